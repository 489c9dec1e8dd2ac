import { PrivateService, startPrivate, type ServiceCommand } from './private-service';
import { answers, lineReceived } from './wire';

/**
 * A nats-server of the test's own (`nats-server` on PATH): core NATS on a free loopback port, nothing persisted (no
 * JetStream), as the FAST lane uses it. A restart is a new, empty server on the same port; clients reconnect to it.
 */
export class PrivateNats extends PrivateService {
  protected readonly readiness = 'greet a client with INFO';

  private constructor(port: number, directory: string) {
    super('the private nats-server', port, directory);
  }

  static async start(): Promise<PrivateNats> {
    return startPrivate('nats', (port, directory) => new PrivateNats(port, directory));
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  protected command(): ServiceCommand {
    return { command: 'nats-server', args: ['-a', '127.0.0.1', '-p', String(this.port), '-n', `linker-private-nats-${this.port}`] };
  }

  protected ready(): Promise<boolean> {
    return answers({ port: this.port, complete: lineReceived, timeoutMs: 1_000 }, (reply) => reply.toString().startsWith('INFO '));
  }
}
