import { Worker } from 'node:worker_threads';

/** Calls `fn` after `ms` milliseconds (fractions allowed where the implementation can honour them). */
export type Schedule = (fn: () => void, ms: number) => void;

/** Node timers: about 1 ms of granularity, so sends leave up to ~1 ms late in small batches. */
export const timerSchedule: Schedule = (fn, ms) => {
  setTimeout(fn, ms);
};

const WORKER_CODE = `
const { parentPort } = require('node:worker_threads');
const cell = new Int32Array(new SharedArrayBuffer(4));
parentPort.on('message', (ms) => {
  if (ms > 0) Atomics.wait(cell, 0, 0, ms);
  parentPort.postMessage(0);
});`;

/**
 * Sub-millisecond pacing without spinning the main thread: a worker sleeps on a futex (`Atomics.wait`, which takes
 * fractional milliseconds) and posts a message when the time is up, which wakes the main event loop. Costs two
 * messages per tick; the main thread stays free for sockets in between.
 */
export class WorkerPacer {
  private readonly worker = new Worker(WORKER_CODE, { eval: true });
  private pending: (() => void) | undefined;

  constructor() {
    this.worker.on('message', () => {
      const fn = this.pending;
      this.pending = undefined;
      fn?.();
    });
    this.worker.unref();
  }

  readonly schedule: Schedule = (fn, ms) => {
    this.pending = fn;
    this.worker.postMessage(ms);
  };

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
