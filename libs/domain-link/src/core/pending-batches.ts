/** One batch frame sent and not yet answered. */
interface Pending {
  readonly count: number;
  readonly sentAt: number;
  resolve(): void;
  reject(error: Error): void;
}

/** The batches in flight on one outbound link, by seq. Answers settle them; a link going down rejects them all. */
export class PendingBatches {
  private readonly bySeq = new Map<number, Pending>();

  get size(): number {
    return this.bySeq.size;
  }

  add(seq: number, count: number): Promise<void> {
    return new Promise<void>((resolve, reject) => this.bySeq.set(seq, { count, sentAt: performance.now(), resolve, reject }));
  }

  /** Settle `seq`: its envelope count and round trip in ms, or undefined when no such batch is in flight. */
  settle(seq: number, error?: Error): { count: number; rttMs: number } | undefined {
    const pending = this.bySeq.get(seq);
    if (pending === undefined) return undefined;
    this.bySeq.delete(seq);
    if (error === undefined) pending.resolve();
    else pending.reject(error);
    return { count: pending.count, rttMs: performance.now() - pending.sentAt };
  }

  rejectAll(error: Error): void {
    const all = [...this.bySeq.values()];
    this.bySeq.clear();
    for (const pending of all) pending.reject(error);
  }
}
