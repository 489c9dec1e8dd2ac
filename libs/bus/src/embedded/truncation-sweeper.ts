import type { ClassicLevel } from 'classic-level';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { countValue, storeKeys } from './store-layout';

interface Target {
  readonly topic: string;
  readonly partition: number;
  below: number;
}

/**
 * Deletes the records every group committed, off the hot path: truncations are gathered for `delayMs` (one per
 * partition, the highest wins), then each partition's new log start is written and its records below it are deleted
 * with LevelDB's `clear`, which runs on a worker thread and deletes in batches of about 16 KB of keys, so appends go on
 * between them. Each clear starts at the partition's previous log start (its floor), so it never walks over the
 * tombstones of earlier deletions. A crash between the start write and the end of the clear leaves records below the
 * start, which the next `load` deletes.
 */
export class TruncationSweeper {
  private readonly targets = new Map<string, Target>();
  /** By partition: every record below it is deleted (or being deleted). */
  private readonly floors = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** Set by `start`; cleared by the sweep in the same turn as its last, empty, take. */
  private sweeping = false;
  /** The current sweep (or the last one, settled). */
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: ClassicLevel<string, Buffer>,
    private readonly logger: Logger,
    private readonly delayMs: number,
  ) {}

  /** Records below `offset` of `partition` are known to be gone (at load). */
  setFloor(topic: string, partition: number, offset: number): void {
    this.floors.set(storeKeys.start(topic, partition), offset);
  }

  /** Drop the records of `partition` below `below`, soon. */
  truncate(topic: string, partition: number, below: number): void {
    const id = storeKeys.start(topic, partition);
    const target = this.targets.get(id);
    if (target) target.below = Math.max(target.below, below);
    else this.targets.set(id, { topic, partition, below });
    this.timer ??= setTimeout(() => this.start(), this.delayMs).unref();
  }

  /** Resolves once no sweep is running; with `now`, first sweeps what is waiting without its delay. */
  async idle(now = false): Promise<void> {
    if (now && this.timer) {
      clearTimeout(this.timer);
      this.start();
    }
    while (this.sweeping) await this.running;
  }

  /**
   * Starts a sweep unless one is running (it takes every target, those added while it runs too). A sweep can end
   * without awaiting anything (no target left, or each below its floor), before `start` has stored its promise: so
   * whether one runs is `sweeping`, which the sweep itself clears, and `running` is only what `idle` awaits.
   */
  private start(): void {
    this.timer = undefined;
    if (this.sweeping) return;
    this.sweeping = true;
    this.running = this.sweep();
  }

  private async sweep(): Promise<void> {
    try {
      for (let next = this.take(); next; next = this.take()) await this.delete(...next);
    } finally {
      this.sweeping = false;
    }
  }

  private async delete(id: string, target: Target): Promise<void> {
    const floor = this.floors.get(id) ?? 0;
    if (target.below <= floor) return;
    try {
      await this.db.put(id, countValue(target.below));
      await this.db.clear(storeKeys.recordsBetween(target.topic, target.partition, floor, target.below));
      this.floors.set(id, target.below);
    } catch (error) {
      this.logger.warn('could not delete truncated records; the next open deletes them', {
        topic: target.topic,
        partition: target.partition,
        error: errorMessage(error),
      });
    }
  }

  private take(): [string, Target] | undefined {
    const first = this.targets.entries().next();
    if (first.done) return undefined;
    this.targets.delete(first.value[0]);
    return first.value;
  }
}
