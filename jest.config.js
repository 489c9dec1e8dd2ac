// Four projects, named by what they need (README, Tests):
//   unit: *.spec.ts, no network;  int: *.int-spec.ts, real services;  e2e: *.e2e-spec.ts, the apps over real sockets;
//   browser: *.browser-spec.ts, the web UI in a real browser;  chaos: *.chaos-spec.ts, the minutes-long general-chaos
//   run of `npm run chaos` (the test command selects the other four).
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/scripts', '<rootDir>/bench', '<rootDir>/cli'],
};

module.exports = {
  // Stops the run, naming the file, when one test file runs longer than LINKER_TEST_FILE_LIMIT_S (README, Tests).
  reporters: ['default', require.resolve('./scripts/jest/watchdog-reporter.js')],
  projects: [
    // The web UI's pure logic (ui/src/**/*.spec.ts) runs with the unit tests.
    { ...common, displayName: 'unit', roots: [...common.roots, '<rootDir>/ui/src'], testMatch: ['**/*.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/scripts/jest/slow-tests.js'],
      slowTestThreshold: 30,
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/scripts/jest/slow-tests.js'],
      slowTestThreshold: 60,
    },
    // Browser tests (ui/test): Debian's Chromium, driven by playwright-core, against the built app and UI (dist/, ui/dist).
    { ...common, displayName: 'chaos', testMatch: ['**/*.chaos-spec.ts'] },
    {
      ...common,
      displayName: 'browser',
      roots: [...common.roots, '<rootDir>/ui'],
      testMatch: ['**/*.browser-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/scripts/jest/slow-tests.js'],
      slowTestThreshold: 60,
    },
  ],
};
