import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';

/** A server process the benchmark started: its pid is sampled for CPU and RSS; it is stopped by its own pid only. */
export interface ServerProcess {
  name: string;
  child: ChildProcess;
  readonly pid: number;
  /** The last few KB of its stdout and stderr, for error messages. */
  tail(): string;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

const TAIL_BYTES = 16_384;
const running = new Set<ServerProcess>();

/** Kill (SIGKILL) every process this run started and that is still running: for an interrupted or overdue run. */
export function killStarted(): void {
  for (const server of running) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
}

export function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): ServerProcess {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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
    tail: () => output.slice(-4000),
    waitForOutput: (pattern, timeoutMs) => waitForOutput(name, child, () => output, pattern, timeoutMs),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    running.delete(server);
    resolve();
  }));
  running.add(server);
  return server;
}

async function waitForOutput(name: string, child: ChildProcess, output: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}; its output:\n${output().slice(-3000)}`);
    }
    if (Date.now() > deadline) throw new Error(`${name} did not print ${pattern} within ${timeoutMs} ms; its output:\n${output().slice(-3000)}`);
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
