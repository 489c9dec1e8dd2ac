import { spawn } from 'node:child_process';

export interface BoundedRunOptions {
  /** The process group is killed with SIGKILL after this long. */
  deadlineMs: number;
  cwd?: string;
  /** The child's whole environment (the parent's by default). */
  env?: NodeJS.ProcessEnv;
}

export interface BoundedRun {
  /** The exit code, or the name of the signal that ended it. */
  exit: number | NodeJS.Signals;
  /** True when the deadline ended it. */
  timedOut: boolean;
  /** Everything it wrote, stdout and stderr interleaved. */
  output: string;
  ms: number;
}

/**
 * Run `command` in a process group of its own until it exits, or at most `deadlineMs`, then kill the whole group
 * (the command and everything it started) with SIGKILL; the group is killed after a normal exit too, so nothing it
 * started outlives it. For code that may starve its own event loop (a microtask spin), which no timer inside that
 * process, jest's timeout included, can interrupt: this parent's timer is never starved.
 */
export function runBounded(command: string, args: readonly string[], options: BoundedRunOptions): Promise<BoundedRun> {
  const started = Date.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let timedOut = false;
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  const deadline = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.deadlineMs);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    child.once('exit', killGroup); // what it started would otherwise hold its output open
    child.once('close', (code, signal) => {
      clearTimeout(deadline);
      resolve({ exit: code ?? (signal as NodeJS.Signals), timedOut, output, ms: Date.now() - started });
    });
  });
}
