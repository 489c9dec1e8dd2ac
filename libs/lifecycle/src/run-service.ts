import { Worker } from 'node:worker_threads';
import { errorMessage } from '@linker/kernel';

export interface Closable {
  close(): Promise<void>;
}

export interface RunOptions {
  /** Longest a graceful drain may take before the process exits anyway. */
  drainTimeoutMs?: number;
  /** Where progress lines go (stderr by default). */
  write?: (line: string) => void;
}

/** How long after the drain deadline the backstop thread kills a process whose own deadline timer could not run. */
export const DRAIN_BACKSTOP_MARGIN_MS = 1_000;

/**
 * Start a service and keep it until SIGTERM/SIGINT, then close it and exit.
 * Exit codes: 0 after a clean drain; 1 when start-up fails, the drain fails or times out, or a second signal arrives.
 * The deadline holds even when the drain starves the event loop (a busy loop, a microtask spin), which no timer or
 * signal handler of the main thread survives: a thread started at the first signal kills the process with SIGKILL
 * `DRAIN_BACKSTOP_MARGIN_MS` after the deadline (exit status 137 in a shell). A second signal is only heard while the
 * event loop runs.
 */
export async function runService(name: string, start: () => Promise<Closable>, options: RunOptions = {}): Promise<void> {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const drainMs = options.drainTimeoutMs ?? 10_000;
  let service: Closable;
  try {
    service = await start();
  } catch (error) {
    write(`${name} failed to start: ${errorMessage(error)}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      write(`${name}: second ${signal}, exiting without finishing the drain`);
      process.exit(1);
    }
    stopping = true;
    write(`${name}: ${signal} received, draining`);
    startBackstop(
      `${name}: drain still running ${DRAIN_BACKSTOP_MARGIN_MS} ms after its deadline of ${drainMs} ms, its event loop stuck; killing the process`,
      drainMs + DRAIN_BACKSTOP_MARGIN_MS,
      write,
    );
    setTimeout(() => {
      write(`${name}: drain took longer than ${drainMs} ms, exiting`);
      process.exit(1);
    }, drainMs).unref();
    service.close().then(
      () => {
        write(`${name}: stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        write(`${name}: drain failed: ${errorMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Its own event loop: its timer fires however busy the main thread is. It writes straight to stderr (fd 2). */
const BACKSTOP = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
setTimeout(() => {
  try { writeSync(2, workerData.line + '\\n'); } catch {}
  process.kill(process.pid, 'SIGKILL');
}, workerData.ms);
`;

/** A thread that kills this process with SIGKILL after `ms`, unless the process exits first. */
function startBackstop(line: string, ms: number, write: (line: string) => void): void {
  try {
    const thread = new Worker(BACKSTOP, { eval: true, workerData: { line, ms }, execArgv: [] });
    thread.on('error', (error) => write(`drain backstop failed: ${errorMessage(error)}; only the drain deadline's timer is left`));
    thread.unref();
  } catch (error) {
    write(`drain backstop could not start: ${errorMessage(error)}; only the drain deadline's timer is left`);
  }
}
