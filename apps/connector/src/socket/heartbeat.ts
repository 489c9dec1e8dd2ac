import type { ClientSocket } from './client-socket';

/**
 * Server-side liveness (docs/protocol.md, Liveness): every `intervalMs`, each socket gets a WebSocket ping; a socket that answered none
 * of the last `maxMissed` pings is dropped (its owner sees the close as usual). One timer for all sockets.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly maxMissed: number,
    private readonly sockets: () => Iterable<ClientSocket>,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    for (const socket of this.sockets()) socket.heartbeat(this.maxMissed);
  }
}
