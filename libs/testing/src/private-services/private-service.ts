import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../domains/real-processes';
import { waitFor } from '../wait-for';

/** How much of a service's output is kept for error messages (the end of it). */
const OUTPUT_LIMIT = 64 * 1024;
/** SIGKILL ends a process at once; this bounds the wait for its exit all the same (a process stuck in the kernel). */
const EXIT_TIMEOUT_MS = 10_000;

export interface ServiceCommand {
  command: string;
  args: readonly string[];
}

/**
 * A server process of the test's own (Kafka, NATS, Redis, FerretDB), on a free loopback port with a temporary
 * directory of its own, so a test may kill and restart it without disturbing the shared services that other test files
 * use. `start` runs it and resolves once its readiness check passes (or rejects at the deadline, saying what it waited
 * for, with the end of its output); `kill` is a `kill -9` and resolves once the process is gone; `start` again runs it
 * on the same port with the same directory (what it persisted there survives); `stop` kills it and deletes the
 * directory. A child never outlives the test process: it is killed (and its directory deleted) when the process exits,
 * and, where `setpriv` is available, the kernel kills it when its parent dies, even by SIGKILL.
 */
export abstract class PrivateService {
  /** Services not stopped yet: when the test process exits, their servers are killed and their directories deleted. */
  private static readonly unstopped = new Set<PrivateService>();
  static {
    process.once('exit', () => {
      for (const service of PrivateService.unstopped) {
        service.child?.kill('SIGKILL');
        rmSync(service.directory, { recursive: true, force: true });
      }
    });
  }

  /** How long the last `start` took until the service was ready, in milliseconds. */
  lastStartMs: number | undefined;
  private child: ChildProcess | undefined;
  private output = '';
  private stopped = false;

  protected constructor(
    /** What the service is, for messages: e.g. `the private redis-server`. */
    readonly name: string,
    readonly port: number,
    /** The service's own directory (data, configuration); deleted by `stop`. */
    readonly directory: string,
  ) {
    PrivateService.unstopped.add(this);
  }

  /** The command that runs the service in the foreground (it must not daemonize). */
  protected abstract command(): ServiceCommand;

  /** One readiness probe; true once the service serves clients. It must not take much longer than a second. */
  protected abstract ready(): Promise<boolean>;

  /** What `ready` checks, for the deadline's message: e.g. `answer PING`. */
  protected abstract readonly readiness: string;

  /** How long `start` waits for `ready`. */
  protected readonly readyTimeoutMs: number = 15_000;

  /** Work before each start (e.g. writing a configuration, formatting storage once). */
  protected async prepare(): Promise<void> {}

  /** The process id while the service runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** The end of everything the service printed (stdout and stderr, across restarts). */
  recentOutput(): string {
    return this.output;
  }

  /** Run the service (again) on its port; resolves once `ready` passes. */
  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.name} on port ${this.port} is already running`);
    const begun = Date.now();
    this.assertNotStopped();
    await this.prepare();
    this.assertNotStopped(); // not while it prepared either
    const child = this.spawn();
    const what = `${this.name} on port ${this.port} to ${this.readiness}`;
    try {
      const outcome = await waitFor(what, async () => (this.child !== child ? 'exited' : (await this.ready()) && 'ready'), {
        timeoutMs: this.readyTimeoutMs,
        intervalMs: 20,
      });
      if (outcome === 'exited') throw new Error(`${this.name} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    } catch (error) {
      await this.kill();
      throw new Error(`${error instanceof Error ? error.message : String(error)}; its output: ${this.output.slice(-2000)}`, {
        cause: error,
      });
    }
    this.lastStartMs = Date.now() - begun;
  }

  /** `kill -9` the service and wait until it is gone (its port refuses connections from then on). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await waitFor(`${this.name} (pid ${child.pid}) to exit after SIGKILL`, () => this.child !== child, { timeoutMs: EXIT_TIMEOUT_MS });
  }

  /** Freeze the service (SIGSTOP): its connections stay open, nothing is answered, as with a hung server. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Let a paused service go on (SIGCONT). */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Kill the service if it runs and delete its directory. Idempotent; safe in afterAll or finally. */
  async stop(): Promise<void> {
    this.stopped = true;
    PrivateService.unstopped.delete(this);
    await this.kill();
    await rm(this.directory, { recursive: true, force: true });
  }

  private assertNotStopped(): void {
    if (this.stopped) throw new Error(`${this.name} on port ${this.port} was stopped; start a new one`);
  }

  private spawn(): ChildProcess {
    const { command, args } = this.command();
    const [file, argv] = PARENT_DEATH_SIGNAL ? ['setpriv', ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
    const child = spawn(file, argv, { cwd: this.directory, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('error', (error) => keep(Buffer.from(`\n${command}: ${error.message}\n`)));
    // 'close' (not 'exit'): the process is gone and its output read to the end, so a failed start can show all of it.
    child.once('close', () => {
      if (this.child === child) this.child = undefined;
    });
    return child;
  }
}

/**
 * Start a new private service on a free port in a new temporary directory (`linker-<prefix>-…`); if it does not
 * become ready, it is stopped (directory deleted) and the error is thrown.
 */
export async function startPrivate<S extends PrivateService>(prefix: string, create: (port: number, directory: string) => S): Promise<S> {
  const service = create(await freePort(), await mkdtemp(join(tmpdir(), `linker-${prefix}-`)));
  try {
    await service.start();
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}

/** Whether process `pid` exists and is not a zombie (an orphan's exit is reaped by whoever adopted it, maybe late). */
export function processAlive(pid: number | undefined): boolean {
  try {
    return pid !== undefined && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** `stop()` the service, then what is left of it: its process (if it still runs), its directory; empty if nothing. */
export async function stopAndFindLeftovers(service: PrivateService): Promise<string[]> {
  const pid = service.pid;
  await service.stop();
  return [...(processAlive(pid) ? [`process ${pid}`] : []), ...(existsSync(service.directory) ? [`directory ${service.directory}`] : [])];
}

/**
 * `setpriv --pdeathsig KILL` (util-linux) runs a command that the kernel kills when its parent dies, however it dies:
 * it then execs the command, so the child's pid is the service's own.
 */
const PARENT_DEATH_SIGNAL = onPath('setpriv');

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((directory) => {
    try {
      accessSync(join(directory, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
