import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A server process the benchmark started: its pid is sampled for CPU and RSS; it is stopped by its own pid only. */
export interface ServerProcess {
  name: string;
  child: ChildProcess;
  readonly pid: number;
  /** Where its loop probe writes (Node server processes the bench started with `loop-probe.cjs`). */
  readonly probeFile?: string;
  /** The last few KB of its stdout and stderr, for error messages. */
  tail(): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /**
   * SIGTERM, then wait for the exit. A process still running `STOP_GRACE_MS` after its drain deadline is killed
   * (SIGKILL) so the run goes on; one that took longer than its deadline is recorded (`takeOverdueStops`).
   */
  stop(): Promise<void>;
}

/** A process that took longer than its drain deadline to exit after SIGTERM. */
export interface OverdueStop {
  name: string;
  pid: number;
  /** How long the process may take to drain after SIGTERM (its own deadline). */
  deadlineMs: number;
  /** From SIGTERM to its exit (to the SIGKILL's effect when `killed`). */
  tookMs: number;
  /** It was still running `STOP_GRACE_MS` after its deadline: the bench killed it. */
  killed: boolean;
}

export interface StartOptions {
  cwd?: string;
  /** How long the process may take to stop after SIGTERM (its drain deadline); default `DRAIN_DEADLINE_MS`. */
  drainDeadlineMs?: number;
  /** Where the process's loop probe writes, kept on the `ServerProcess` for the report. */
  probeFile?: string;
}

/** The apps' drain deadline after SIGTERM (README, Stopping): 10 s. */
const DRAIN_DEADLINE_MS = 10_000;
/** How long past its deadline the bench waits before killing a process (the apps kill themselves 1 s after it). */
export const STOP_GRACE_MS = 2_000;

const TAIL_BYTES = 16_384;
const running = new Set<ServerProcess>();
const overdue: OverdueStop[] = [];

/** The processes that stopped late since the last call (each reported once), oldest first. */
export function takeOverdueStops(): OverdueStop[] {
  return overdue.splice(0);
}

/** One line for the report: which process, how long it took, whether it had to be killed. */
export function overdueText(stop: OverdueStop): string {
  const took = `${(stop.tookMs / 1000).toFixed(1)} s`;
  const what = stop.killed ? `was still running ${took} after SIGTERM and was killed (SIGKILL)` : `took ${took} to exit after SIGTERM`;
  return `${stop.name} (pid ${stop.pid}) ${what}; its drain deadline is ${stop.deadlineMs / 1000} s`;
}

/** Kill (SIGKILL) every process this run started and that is still running: for an interrupted or overdue run. */
export function killStarted(): void {
  for (const server of running) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: StartOptions = {},
): ServerProcess {
  const child = spawn(command, args, { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > TAIL_BYTES * 2) output = output.slice(-TAIL_BYTES);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const pid = child.pid;
  const server: ServerProcess = {
    name,
    child,
    pid,
    probeFile: options.probeFile,
    tail: () => output.slice(-4000),
    waitForOutput: (pattern, timeoutMs) => waitForOutput(name, child, () => output, pattern, timeoutMs),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const deadlineMs = options.drainDeadlineMs ?? DRAIN_DEADLINE_MS;
      const signalled = performance.now();
      let killed = false;
      child.kill('SIGTERM');
      const killer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, deadlineMs + STOP_GRACE_MS);
      await exited;
      clearTimeout(killer);
      const tookMs = performance.now() - signalled;
      if (killed || tookMs > deadlineMs) overdue.push({ name, pid, deadlineMs, tookMs: Math.round(tookMs), killed });
    },
  };
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(server);
      resolve();
    }),
  );
  running.add(server);
  return server;
}

async function waitForOutput(
  name: string,
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${name} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}; its output:\n${output().slice(-3000)}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`${name} did not print ${pattern} within ${timeoutMs} ms; its output:\n${output().slice(-3000)}`);
    await sleep(50);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on host:port (within `timeoutMs`). */
export function answers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Wait until host:port accepts connections, failing with `what` after `timeoutMs`. */
export async function waitForPort(what: string, host: string, port: number, timeoutMs: number, alive?: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(host, port, 500))) {
    alive?.();
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} on ${host}:${port}`);
    await sleep(100);
  }
}
