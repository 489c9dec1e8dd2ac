import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './domains/real-processes';
import { waitFor } from './wait-for';

const READY_TIMEOUT_MS = 15_000;

/**
 * A redis-server of the test's own, on a free loopback port, without persistence (no RDB, no AOF): a test that must
 * kill or restart Redis uses this one, never the shared service. `kill` is a `kill -9` (what it held is lost, as a
 * crash of a Redis without persistence loses it); `start` runs it again on the same port. Always `stop` it in a finally
 * or afterAll.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly directory: string,
  ) {}

  /** Start a private redis-server (`redis-server` on PATH) and wait until it answers PING. */
  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), await mkdtemp(join(tmpdir(), 'linker-redis-')));
    try {
      await redis.start();
    } catch (error) {
      await redis.stop();
      throw error;
    }
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Run the server (again) on its port; resolves once it answers PING. */
  async start(): Promise<void> {
    if (this.child) throw new Error('the private redis-server is already running');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.directory];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await waitFor(`the private redis-server on port ${this.port} to answer PING`, async () => {
      if (this.child !== child) throw new Error(`redis-server exited; its output: ${this.output.slice(-1000)}`);
      return ping(this.port);
    }, { timeoutMs: READY_TIMEOUT_MS, intervalMs: 20 });
  }

  /** `kill -9` the server and wait until it is gone (its port refuses connections from then on). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    // Still set, so its 'exit' has not been emitted yet (the handler above clears it).
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /**
   * The commands every client sent while `body` ran, as MONITOR on a connection of this helper's own shows them: the
   * command name lower-cased, then its arguments; a command a script ran inside Redis is prefixed `lua:`.
   */
  async commandsDuring(body: () => Promise<void>): Promise<string[]> {
    const marker = `end-of-run-${Math.random()}`;
    const monitor = connect({ host: '127.0.0.1', port: this.port });
    let text = '';
    let started = false;
    const seen: string[] = [];
    monitor.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const lines = text.split('\r\n');
      text = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '+OK') started = true;
        else if (line.startsWith('+')) seen.push(monitorLine(line));
      }
    });
    try {
      await new Promise<void>((resolve, reject) => monitor.once('connect', resolve).once('error', reject));
      monitor.write('MONITOR\r\n');
      await waitFor('MONITOR to start', () => started, { timeoutMs: 10_000 });
      await body();
      await sendCommand(this.port, ['ECHO', marker]);
      await waitFor('MONITOR to show the end of the run', () => seen.some((line) => line.includes(marker)), { timeoutMs: 10_000 });
    } finally {
      monitor.destroy();
    }
    return seen.filter((line) => !line.includes(marker));
  }

  /** Freeze the server (SIGSTOP): its connections stay open, nothing is answered, as with a hung Redis. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Let a paused server go on (SIGCONT). */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Kill the server if it runs and delete its directory. Idempotent. */
  async stop(): Promise<void> {
    await this.kill();
    await rm(this.directory, { recursive: true, force: true });
  }
}

/** Whether a Redis on 127.0.0.1:`port` answers `PING` with `+PONG` within a second. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1_000);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

/** `+1700000000.123 [0 lua] "get" "k"` (a MONITOR line) → `lua: get k`; `[0 127.0.0.1:5000]` → `get k`. */
function monitorLine(line: string): string {
  const source = /\[[^\]]*\]/.exec(line)?.[0] ?? '';
  const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] ?? '');
  return [source.includes('lua') ? 'lua:' : '', args[0]?.toLowerCase(), ...args.slice(1)].join(' ').trim();
}

/** Send one command on a fresh connection and wait for its first reply line. */
function sendCommand(port: number, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    socket.on('data', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}
