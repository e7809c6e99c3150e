/** Three projects: pure rules, the functions through the local host, and the mini program's pages. */
const swc = ['@swc/jest', { jsc: { target: 'es2020', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];
const common = { transform: { '^.+\\.(t|j)s$': swc }, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testEnvironment: 'node', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testEnvironment: 'node', testMatch: ['<rootDir>/tests/integration/**/*.test.ts'] },
    {
      ...common,
      displayName: 'miniprogram',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/tests/miniprogram/**/*.test.ts'],
      setupFiles: ['<rootDir>/tests/miniprogram/setup.ts'],
      moduleNameMapper: { '^(\\.\\./)+shared/index$': '<rootDir>/shared/miniprogram.ts' },
    },
  ],
};
