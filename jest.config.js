/**
 * The projects, fast to slow: `rules` (pure rules and small modules), `ports` (each port's contract
 * suite on both adapters, in process), `pages` (the mini program's pages on mocked services): these
 * three are `npm run test:fast`. Then `builds` (suites that spawn builds and processes: bundles,
 * miniprogram-ci, deploy and cloud-setup scripts), `integration` (the functions through a real local
 * host), `journeys` (real pages against a real host), and the host suites again with
 * NEARBY_BACKEND=cloudbase-fake (the CloudBase adapters over the stand-in): every outside-facing
 * behaviour answers alike on both. `npm test` runs them all.
 */
const swc = ['@swc/jest', { jsc: { target: 'es2020', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];
const common = { transform: { '^.+\\.(t|j)s$': swc }, moduleFileExtensions: ['ts', 'js', 'json'] };
const sqlite = ['<rootDir>/tests/support/backend/sqlite.js'];
const cloudbaseFake = ['<rootDir>/tests/support/backend/cloudbase-fake.js'];
const slower = ['<rootDir>/tests/support/backend/cloudbase-fake-timeout.js'];

/**
 * Suites that go through a real local host (tests/support/host.ts or journey.ts, or the built `npm start` entry
 * with NEARBY_BACKEND), found by reading them, so that a new host suite runs on both back ends
 * without anyone remembering a list. The preview renders pages only: once is enough.
 */
const fs = require('node:fs');
const path = require('node:path');
const throughHost = (dir, leaveOut = []) =>
  fs
    .readdirSync(path.join(__dirname, dir))
    .filter((f) => f.endsWith('.test.ts') && !leaveOut.includes(f))
    .filter((f) => /support\/(host|journey)'|NEARBY_BACKEND/.test(fs.readFileSync(path.join(__dirname, dir, f), 'utf8')))
    .map((f) => `<rootDir>/${dir}/${f}`);
const HOST_INTEGRATION = throughHost('tests/integration');
const HOST_PAGES = throughHost('tests/miniprogram', ['preview.test.ts']);
/** Unit suites that spawn a build or a process (found by reading them, like the host suites). */
const SPAWNING = fs
  .readdirSync(path.join(__dirname, 'tests/unit'))
  .filter((f) => f.endsWith('.test.ts') && /child_process/.test(fs.readFileSync(path.join(__dirname, 'tests/unit', f), 'utf8')))
  .map((f) => `<rootDir>/tests/unit/${f}`);
const JOURNEYS = [...HOST_PAGES, '<rootDir>/tests/miniprogram/preview.test.ts'];
const pages = {
  ...common,
  testEnvironment: 'jsdom',
  moduleNameMapper: { '^(\\.\\./)+shared/index$': '<rootDir>/shared/miniprogram.ts' },
};

module.exports = {
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'rules', testEnvironment: 'node', testMatch: ['<rootDir>/tests/unit/*.test.ts'], testPathIgnorePatterns: SPAWNING },
    { ...common, displayName: 'ports', testEnvironment: 'node', testMatch: ['<rootDir>/tests/unit/ports/**/*.test.ts'] },
    {
      ...pages,
      displayName: 'pages',
      testMatch: ['<rootDir>/tests/miniprogram/**/*.test.ts'],
      testPathIgnorePatterns: JOURNEYS,
      setupFiles: [...sqlite, '<rootDir>/tests/miniprogram/setup.ts'],
    },
    { ...common, displayName: 'builds', testEnvironment: 'node', testMatch: SPAWNING },
    { ...common, displayName: 'integration', testEnvironment: 'node', testMatch: ['<rootDir>/tests/integration/**/*.test.ts'], setupFiles: sqlite },
    { ...pages, displayName: 'journeys', testMatch: JOURNEYS, setupFiles: [...sqlite, '<rootDir>/tests/miniprogram/setup.ts'] },
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
      displayName: 'journeys:cloudbase-fake',
      testMatch: HOST_PAGES,
      setupFiles: [...cloudbaseFake, '<rootDir>/tests/miniprogram/setup.ts'],
      setupFilesAfterEnv: slower,
    },
  ],
};
