// A jest reporter that stops the whole run when one test file runs longer than LINKER_TEST_FILE_LIMIT_S seconds
// (600 by default): it names the file and how long it ran, kills the jest workers and every process they started, then
// jest itself (SIGKILL: exit status 137), so a hung test fails the run in minutes instead of holding CI until its own
// limit. The clock runs in a thread of its own (watchdog-thread.js): a test that starves its event loop (a microtask
// spin) starves the process it runs in, and with one worker or one test file that process is jest's own.
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const LIMIT_VARIABLE = 'LINKER_TEST_FILE_LIMIT_S';
const DEFAULT_LIMIT_S = 600;

function limitSeconds(text) {
  if (text === undefined || text === '') return DEFAULT_LIMIT_S;
  const seconds = Number(text);
  if (!(seconds > 0)) throw new Error(`${LIMIT_VARIABLE} must be a positive number of seconds, got ${JSON.stringify(text)}`);
  return seconds;
}

class WatchdogReporter {
  constructor(globalConfig) {
    this.limitS = limitSeconds(process.env[LIMIT_VARIABLE]);
    this.rootDir = globalConfig.rootDir;
  }

  onRunStart() {
    this.thread = new Worker(path.join(__dirname, 'watchdog-thread.js'), {
      workerData: { limitS: this.limitS, limitVariable: LIMIT_VARIABLE, jestPid: process.pid },
      execArgv: [],
    });
    this.thread.unref();
  }

  onTestFileStart(test) {
    this.thread.postMessage({ type: 'start', file: path.relative(this.rootDir, test.path), at: Date.now() });
  }

  onTestFileResult(test) {
    this.thread.postMessage({ type: 'end', file: path.relative(this.rootDir, test.path) });
  }

  async onRunComplete() {
    await this.thread.terminate();
  }
}

module.exports = WatchdogReporter;
