import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type AppProcess } from '@linker/testing';
import { RawSocket } from '@linker/testing/e2e/raw-socket';
import { seedLogin } from '@linker/testing/e2e/seed-readme';

/**
 * The built embedded entry (`dist/apps/embedded/src/main.js`, what `npm start` runs) as real processes for one test:
 * a temporary directory, the processes and sockets it opened, all cleaned up by `cleanUp()`.
 */
export class EmbeddedRuns {
  directory = '';
  private readonly running: AppProcess[] = [];
  private readonly sockets: RawSocket[] = [];
  private texts = 0;

  async prepare(): Promise<void> {
    this.directory = await mkdtemp(join(tmpdir(), 'linker-embedded-e2e-'));
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.sockets.splice(0).map((socket) => socket.close()));
    await Promise.all(this.running.splice(0).map((app) => app.stop('SIGKILL')));
    await rm(this.directory, { recursive: true, force: true });
  }

  /** The entry with exactly `args` (and `env`). */
  run(args: string[], env: Record<string, string> = {}): AppProcess {
    const app = startApp('embedded', env, args);
    this.running.push(app);
    return app;
  }

  /** The entry on free ports, without the UI, on `dataDir` (default: a temporary one), plus `args`. */
  start(args: string[] = [], dataDir = join(this.directory, 'data')): AppProcess {
    return this.run(['--ws-port', '0', '--meta-port', '0', '--no-ui', '--data-dir', dataDir, ...args]);
  }

  async open(url: string, label: string): Promise<RawSocket> {
    const socket = await RawSocket.open(url, label);
    this.sockets.push(socket);
    return socket;
  }

  /** A socket logged in as `userId` of the original's app, with the README's AUTH_CLIENT layout. */
  async login(url: string, userId: string): Promise<RawSocket> {
    return seedLogin(await this.open(url, userId), userId);
  }

  text(label: string): string {
    this.texts += 1;
    return `${label} ${this.texts}`;
  }
}
