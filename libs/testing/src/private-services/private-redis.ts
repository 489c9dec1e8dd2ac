import { connect } from 'node:net';
import { waitFor } from '../wait-for';
import { PrivateService, startPrivate, type ServiceCommand } from './private-service';
import { answers, lineReceived, tcpExchange } from './wire';

/**
 * A redis-server of the test's own, on a free loopback port, without persistence (no RDB, no AOF): a test that must
 * kill or restart Redis uses this one, never the shared service. `kill` is a `kill -9` (what it held is lost, as a
 * crash of a Redis without persistence loses it); `start` runs it again on the same port. Always `stop` it in a finally
 * or afterAll. The rest (pause, resume, output) is `PrivateService`'s.
 */
export class PrivateRedis extends PrivateService {
  protected readonly readiness = 'answer PING';

  private constructor(port: number, directory: string) {
    super('the private redis-server', port, directory);
  }

  /** Start a private redis-server (`redis-server` on PATH) and wait until it answers PING. */
  static async start(): Promise<PrivateRedis> {
    return startPrivate('redis', (port, directory) => new PrivateRedis(port, directory));
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected command(): ServiceCommand {
    return {
      command: 'redis-server',
      args: ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.directory],
    };
  }

  protected ready(): Promise<boolean> {
    return answers({ port: this.port, request: 'PING\r\n', complete: lineReceived, timeoutMs: 1_000 }, (reply) =>
      reply.toString().startsWith('+PONG'),
    );
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
}

/** `+1700000000.123 [0 lua] "get" "k"` (a MONITOR line) → `lua: get k`; `[0 127.0.0.1:5000]` → `get k`. */
function monitorLine(line: string): string {
  const source = /\[[^\]]*\]/.exec(line)?.[0] ?? '';
  const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] ?? '');
  return [source.includes('lua') ? 'lua:' : '', args[0]?.toLowerCase(), ...args.slice(1)].join(' ').trim();
}

/** Send one command on a fresh connection and wait for its first reply line. */
async function sendCommand(port: number, args: readonly string[]): Promise<void> {
  const request = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  await tcpExchange({ port, request, complete: lineReceived, timeoutMs: 10_000 });
}
