import type { ClassicLevel } from 'classic-level';
import { LinkerError, errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { BusErrorCode } from '../bus.port';

export type Operation = { type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string };

interface Pending {
  readonly operations: readonly Operation[];
  readonly bytes: number;
  /** Set for a synced write: settled with its batch. */
  readonly waiter?: { resolve: () => void; reject: (error: unknown) => void };
}

/** Counters, for tests and measurements. */
export interface WriterStats {
  batches: number;
  syncedBatches: number;
}

const bytesOf = (operations: readonly Operation[]): number =>
  operations.reduce((n, op) => n + op.key.length + (op.type === 'put' ? op.value.length : 0), 0);

/**
 * Group commit over LevelDB: one write batch at a time, each carrying every write queued while the previous one ran
 * (up to `maxBatchBytes`; one caller's operations are never split). A batch holding a synced write is written with
 * `sync: true` (fsync before it resolves), so concurrent callers share one sync, and since batches are written one
 * after another, a crash loses only a suffix of them (a synced batch makes every earlier write durable too: LevelDB's
 * log is one sequential file). After a write fails, every later call fails too (LevelDB keeps its error as well).
 */
export class GroupCommitWriter {
  readonly stats: WriterStats = { batches: 0, syncedBatches: 0 };
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private failure: LinkerError | undefined;
  private closed = false;

  constructor(
    private readonly db: ClassicLevel<string, Buffer>,
    private readonly logger: Logger,
    private readonly maxBatchBytes = 4 * 1024 * 1024,
  ) {}

  /** Write `operations` atomically in the next batch, synced; resolves once they are durable. */
  synced(operations: readonly Operation[]): Promise<void> {
    if (this.closed) return Promise.reject(new LinkerError<BusErrorCode>('BUS_CLOSED', 'the broker store is closed'));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.enqueue({ operations, bytes: bytesOf(operations), waiter: { resolve, reject } }));
  }

  /** Write `operations` atomically in the next batch, unsynced (they survive a crash of the process, not of the machine). */
  unsynced(operations: readonly Operation[]): void {
    if (this.closed || this.failure) return;
    this.enqueue({ operations, bytes: bytesOf(operations) });
  }

  /** Resolves once everything queued so far is written (or failed). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Finish what is queued, then refuse new writes. */
  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
  }

  private enqueue(pending: Pending): void {
    this.queue.push(pending);
    this.running ??= this.run();
  }

  private async run(): Promise<void> {
    // Gathers the writes queued in the same tick (e.g. `Promise.all` of publishes) into the first batch; and since run()
    // never ends in the turn that started it, `enqueue` has stored `running` before run() clears it below.
    await null;
    while (this.queue.length > 0 && !this.failure) {
      const batch = this.take();
      const sync = batch.some((p) => p.waiter !== undefined);
      try {
        await this.write(batch, sync);
        this.stats.batches += 1;
        if (sync) this.stats.syncedBatches += 1;
        for (const p of batch) p.waiter?.resolve();
      } catch (cause) {
        this.fail(cause, batch);
      }
    }
    this.running = undefined; // in the same turn as the last check of the queue: a later write starts a new run
  }

  /**
   * One atomic LevelDB batch of `batch`'s operations. A chained batch: the array form of abstract-level copies and
   * re-checks every operation with the call's options (about 5 µs each, four times the chained form's cost).
   */
  private async write(batch: readonly Pending[], sync: boolean): Promise<void> {
    const chained = this.db.batch();
    for (const p of batch) {
      for (const op of p.operations) {
        if (op.type === 'put') chained.put(op.key, op.value);
        else chained.del(op.key);
      }
    }
    await chained.write({ sync });
  }

  /** The oldest queued writes, up to `maxBatchBytes` (at least one). */
  private take(): Pending[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && (count === 0 || bytes + this.queue[count].bytes <= this.maxBatchBytes)) {
      bytes += this.queue[count].bytes;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private fail(cause: unknown, batch: readonly Pending[]): void {
    this.failure = new LinkerError<BusErrorCode>('BUS_UNAVAILABLE', `the broker store failed to write: ${errorMessage(cause)}`, {
      retriable: true,
      cause,
    });
    this.logger.error('broker store write failed; it refuses every later write until reopened', { error: errorMessage(cause) });
    for (const p of [...batch, ...this.queue.splice(0)]) p.waiter?.reject(this.failure);
  }
}
