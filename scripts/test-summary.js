// Reads Jest's JSON results and prints the closing line CI reads ("N passed, N failed"), failing the run if any
// test was skipped, focused away or left as a todo: this project has no skipped tests.
const fs = require('node:fs');

if (!fs.existsSync(process.argv[2])) {
  process.stdout.write('error: jest wrote no results: it was stopped before the end (see the watchdog or time-limit message above)\n');
  process.exit(1);
}
const results = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const skipped = results.numPendingTests + results.numTodoTests;
const byProject = {};
for (const suite of results.testResults) {
  const project = suite.displayName?.name ?? suite.name.match(/\.(int-|e2e-|browser-)?spec\.ts$/)?.[1]?.replace('-', '') ?? 'unit';
  const counts = (byProject[project] ??= { passed: 0, failed: 0 });
  for (const test of suite.assertionResults) {
    if (test.status === 'passed') counts.passed += 1;
    else if (test.status === 'failed') counts.failed += 1;
  }
}
for (const [project, counts] of Object.entries(byProject)) {
  process.stdout.write(`${project}: ${counts.passed} passed, ${counts.failed} failed\n`);
}
if (skipped > 0) process.stdout.write(`error: ${skipped} test(s) skipped or todo; this project runs every test\n`);
if (results.numTotalTests === 0) process.stdout.write('error: no test ran\n');
process.stdout.write(`${results.numPassedTests} passed, ${results.numFailedTests} failed\n`);
process.exit(results.numFailedTests === 0 && skipped === 0 && results.numTotalTests > 0 ? 0 : 1);
