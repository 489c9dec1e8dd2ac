/** PINGs waiting for their PONG, oldest first (the server answers in order). */
export class PingQueue {
  private readonly waiting: Array<{ sentAt: number; resolve(ms: number): void; reject(error: Error): void }> = [];

  /** A PING was just sent: resolves with the round trip in milliseconds when its PONG comes. */
  expect(): Promise<number> {
    return new Promise<number>((resolve, reject) => this.waiting.push({ sentAt: Date.now(), resolve, reject }));
  }

  /** A PONG arrived: settle the oldest PING. */
  pong(): void {
    const ping = this.waiting.shift();
    ping?.resolve(Date.now() - ping.sentAt);
  }

  /** The connection is gone: no PONG will come. */
  rejectAll(error: Error): void {
    for (const ping of this.waiting.splice(0)) ping.reject(error);
  }
}
