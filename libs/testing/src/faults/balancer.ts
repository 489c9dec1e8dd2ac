import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP load balancer in front of a domain's connectors, as production puts one: each new client connection goes to
 * the next connector in turn, and to the one after it when that one refuses (a dead connector is skipped, as a
 * balancer's health check would). `ports` is read at every connection, so a connector restarted on a new port is
 * found. Clients keep one URL, `url`, through connector deaths and restarts.
 */
export class ConnectorBalancer {
  private next = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly ports: () => readonly number[],
  ) {}

  static async open(ports: () => readonly number[]): Promise<ConnectorBalancer> {
    let balancer: ConnectorBalancer | undefined;
    const server = createServer((client) => balancer?.route(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    balancer = new ConnectorBalancer(server, ports);
    return balancer;
  }

  /** `ws://127.0.0.1:<port>/ws`: the clients' endpoint. */
  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/ws`;
  }

  /** Stop listening and drop every connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(client: Socket): void {
    this.track(client);
    client.on('error', () => client.destroy());
    client.pause();
    const ports = this.ports();
    const start = this.next++;
    const attempt = (tried: number): void => {
      if (tried >= ports.length) return void client.destroy();
      const upstream = connect(ports[(start + tried) % ports.length], '127.0.0.1');
      upstream.once('error', () => attempt(tried + 1));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        this.track(upstream);
        if (client.destroyed) return void upstream.destroy();
        for (const [a, b] of [
          [client, upstream],
          [upstream, client],
        ] as const) {
          a.on('error', () => b.destroy());
          a.on('close', () => b.destroy());
          a.pipe(b);
        }
        client.resume();
      });
    };
    attempt(0);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
