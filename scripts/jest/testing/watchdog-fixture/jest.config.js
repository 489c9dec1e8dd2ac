// A jest run of its own for watchdog.spec.ts, on files no project of the real config picks up (*.fixture.js).
module.exports = {
  rootDir: __dirname,
  testMatch: ['**/*.fixture.js'],
  testEnvironment: 'node',
  transform: {},
  reporters: ['default', require.resolve('../../watchdog-reporter.js')],
};
