/** Ids per MESSAGE_ACK frame: 500 UUIDs are about 20 KB, well under the 64 KiB frame limit. */
export const MAX_ACK_IDS = 500;

/**
 * Collects message ids to acknowledge and sends them as one `MESSAGE_ACK {ids}` per tick (a `setTimeout(0)`), so a
 * burst of messages costs one frame, and the ack leaves only after the listeners of every message in the burst ran.
 */
export class AckBatcher {
  private pending: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** @param sendAck sends one batch; returns false when there is no connection (the server will redeliver). */
  constructor(private readonly sendAck: (ids: string[]) => boolean) {}

  /** Queue `id` for the next flush. */
  add(id: string): void {
    this.pending.push(id);
    this.timer ??= setTimeout(() => this.flush(), 0);
  }

  /** Send everything queued now. Ids that cannot be sent are dropped: unacknowledged, they come back from the server. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_ACK_IDS);
      if (!this.sendAck(batch)) this.pending = [];
    }
  }

  /** Forget what is queued (the connection is gone). */
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
