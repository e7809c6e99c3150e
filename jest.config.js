/**
 * Three projects: pure rules, the functions through the local host, and the mini program's pages;
 * then the suites that go through a real local host again with NEARBY_BACKEND=cloudbase-fake (the
 * CloudBase adapters over the stand-in): every outside-facing behaviour answers alike on both.
 */
const swc = ['@swc/jest', { jsc: { target: 'es2020', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];
const common = { transform: { '^.+\\.(t|j)s$': swc }, moduleFileExtensions: ['ts', 'js', 'json'] };
const sqlite = ['<rootDir>/tests/support/backend/sqlite.js'];
const cloudbaseFake = ['<rootDir>/tests/support/backend/cloudbase-fake.js'];
const slower = ['<rootDir>/tests/support/backend/cloudbase-fake-timeout.js'];

/**
 * Suites that go through a real local host (tests/support/host.ts, or the built `npm start` entry
 * with NEARBY_BACKEND), found by reading them, so that a new host suite runs on both back ends
 * without anyone remembering a list. The preview renders pages only: once is enough.
 */
const fs = require('node:fs');
const path = require('node:path');
const throughHost = (dir, leaveOut = []) =>
  fs
    .readdirSync(path.join(__dirname, dir))
    .filter((f) => f.endsWith('.test.ts') && !leaveOut.includes(f))
    .filter((f) => /support\/host'|NEARBY_BACKEND/.test(fs.readFileSync(path.join(__dirname, dir, f), 'utf8')))
    .map((f) => `<rootDir>/${dir}/${f}`);
const HOST_INTEGRATION = throughHost('tests/integration');
const HOST_PAGES = throughHost('tests/miniprogram', ['preview.test.ts']);
const pages = {
  ...common,
  testEnvironment: 'jsdom',
  moduleNameMapper: { '^(\\.\\./)+shared/index$': '<rootDir>/shared/miniprogram.ts' },
};

module.exports = {
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testEnvironment: 'node', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testEnvironment: 'node', testMatch: ['<rootDir>/tests/integration/**/*.test.ts'], setupFiles: sqlite },
    {
      ...pages,
      displayName: 'miniprogram',
      testMatch: ['<rootDir>/tests/miniprogram/**/*.test.ts'],
      setupFiles: [...sqlite, '<rootDir>/tests/miniprogram/setup.ts'],
    },
    {
      ...common,
      displayName: 'integration:cloudbase-fake',
      testEnvironment: 'node',
      testMatch: HOST_INTEGRATION,
      setupFiles: cloudbaseFake,
      setupFilesAfterEnv: slower,
    },
    {
      ...pages,
      displayName: 'miniprogram:cloudbase-fake',
      testMatch: HOST_PAGES,
      setupFiles: [...cloudbaseFake, '<rootDir>/tests/miniprogram/setup.ts'],
      setupFilesAfterEnv: slower,
    },
  ],
};
