import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1:`port` to 127.0.0.1:`target`, put in front of a domain's link endpoint so that a test can
 * cut the links into that domain at once (every connection dropped without a close handshake, new ones refused) —
 * what a network partition does, which the processes cannot tell from a real one.
 */
export class LinkProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(
    private readonly port: number,
    private readonly target: number,
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
        this.sockets.add(a);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.destroy();
        });
        a.pipe(b);
      }
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  /** Drop every connection at once (no close handshake) and refuse new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
