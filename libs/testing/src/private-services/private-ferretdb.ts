import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ferretDbBinary } from './installed';
import { PrivateService, startPrivate, type ServiceCommand } from './private-service';
import { answers, frameReceived, mongoCommand, mongoReplyOk } from './wire';

/**
 * A FerretDB of the test's own (the MongoDB wire protocol, as the mailbox uses it): the binary `npm run services:up`
 * builds, with the SQLite handler and its data in this instance's directory, so what was stored survives a `kill` and
 * `start` (SQLite has committed it before the write is acknowledged).
 */
export class PrivateFerretDb extends PrivateService {
  protected readonly readiness = 'answer the MongoDB command hello';

  private constructor(
    port: number,
    directory: string,
    private readonly binary: string,
  ) {
    super('the private FerretDB', port, directory);
  }

  static async start(): Promise<PrivateFerretDb> {
    const binary = ferretDbBinary();
    return startPrivate('ferretdb', (port, directory) => new PrivateFerretDb(port, directory, binary));
  }

  /** `mongodb://127.0.0.1:<port>/`, as `TestServices.mongodbUrl`. */
  get url(): string {
    return `mongodb://127.0.0.1:${this.port}/`;
  }

  protected override async prepare(): Promise<void> {
    await mkdir(join(this.directory, 'data'), { recursive: true });
    await mkdir(join(this.directory, 'state'), { recursive: true });
  }

  protected command(): ServiceCommand {
    return {
      command: this.binary,
      args: [
        '--handler=sqlite',
        `--sqlite-url=file:${join(this.directory, 'data')}/`,
        `--state-dir=${join(this.directory, 'state')}`,
        `--listen-addr=127.0.0.1:${this.port}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
    };
  }

  protected ready(): Promise<boolean> {
    const hello = mongoCommand([
      ['hello', 1],
      ['$db', 'admin'],
    ]);
    return answers({ port: this.port, request: hello, complete: (reply) => frameReceived(reply, true), timeoutMs: 1_000 }, mongoReplyOk);
  }
}
