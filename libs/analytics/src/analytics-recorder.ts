import { ANALYTICS_COUNTERS, ANALYTICS_UNIQUES, type AnalyticsCounter, type AnalyticsUnique } from '@linker/contracts';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { hashUser, sliceOf, type AnalyticsStore, type SliceCounts } from './analytics-store.port';

export interface RecorderOptions {
  store: AnalyticsStore;
  logger: Logger;
  /** Epoch ms; `Date.now` by default. */
  now?: () => number;
  /** How long counts wait in memory before they are written (1 s). */
  flushMs?: number;
  /** A write not answered within this long counts as failed (5 s). */
  writeTimeoutMs?: number;
  /** Most distinct users held in memory between two writes; more are dropped and counted (100,000). */
  maxPendingUsers?: number;
}

/** What waits to be written for one app in one slice: counts, and user ids (hashed only when written). */
interface Pending {
  counters: Record<AnalyticsCounter, number>;
  users: Record<AnalyticsUnique, Set<string>>;
}

/** What a recorder did: events written, and events dropped because the store failed or memory was full. */
export interface RecorderCounts {
  written: number;
  dropped: number;
}

/**
 * Counts analytics in memory and writes them to the `AnalyticsStore` once a second, only when something was counted
 * (an idle process writes nothing and runs no timer). The hot path pays two map lookups and an increment (`count`), or a
 * set insertion (`user`); user ids are hashed with their slice (`hashUser`) when written, so none leaves the process.
 * A failing or slow store never fails or slows a caller: what could not be written is dropped, counted (`counts`) and
 * logged once until a write succeeds again.
 */
export class AnalyticsRecorder {
  /** Slice → app → what waits. */
  private pending = new Map<number, Map<string, Pending>>();
  private pendingUsers = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private failing = false;
  private readonly totals: RecorderCounts = { written: 0, dropped: 0 };
  private readonly now: () => number;
  private readonly sliceSeconds: number;

  constructor(private readonly options: RecorderOptions) {
    this.now = options.now ?? Date.now;
    this.sliceSeconds = options.store.settings.sliceSeconds;
  }

  /** Add `n` to `counter` of `app` in the slice of `at` (now by default). */
  count(app: string, counter: AnalyticsCounter, n = 1, at = this.now()): void {
    this.of(app, at).counters[counter] += n;
  }

  /** Count `userId` once in `unique` of `app` in the slice of `at` (now by default). */
  user(app: string, unique: AnalyticsUnique, userId: string, at = this.now()): void {
    const users = this.of(app, at).users[unique];
    if (users.has(userId)) return;
    if (this.pendingUsers >= (this.options.maxPendingUsers ?? 100_000)) {
      this.totals.dropped += 1;
      return;
    }
    users.add(userId);
    this.pendingUsers += 1;
  }

  counts(): RecorderCounts {
    return { ...this.totals };
  }

  /** Write what waits now (and wait for a write under way); never rejects. */
  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    if (this.pending.size === 0) return;
    this.writing = this.write().finally(() => (this.writing = undefined));
    await this.writing;
  }

  /** Write what waits and stop the timer. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private of(app: string, at: number): Pending {
    const slice = sliceOf(at, this.sliceSeconds);
    let apps = this.pending.get(slice);
    if (apps === undefined) this.pending.set(slice, (apps = new Map()));
    let pending = apps.get(app);
    if (pending === undefined) {
      apps.set(app, (pending = newPending()));
      this.schedule();
    }
    return pending;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.flushMs ?? 1_000);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    const batch = toBatch(this.pending);
    this.pending = new Map();
    this.pendingUsers = 0;
    const events = eventsIn(batch);
    try {
      await withDeadline(this.options.store.add(batch), this.options.writeTimeoutMs ?? 5_000);
      this.totals.written += events;
      if (this.failing) this.options.logger.info('analytics written again');
      this.failing = false;
    } catch (error) {
      this.totals.dropped += events;
      if (!this.failing)
        this.options.logger.warn('analytics could not be written: dropped (logged once)', { events, error: errorMessage(error) });
      this.failing = true;
    }
  }
}

function newPending(): Pending {
  return {
    counters: Object.fromEntries(ANALYTICS_COUNTERS.map((c) => [c, 0])) as Pending['counters'],
    users: Object.fromEntries(ANALYTICS_UNIQUES.map((u) => [u, new Set<string>()])) as Pending['users'],
  };
}

/** The store's batch: only counters above 0, user ids hashed with their slice. */
function toBatch(pending: Map<number, Map<string, Pending>>): SliceCounts[] {
  const batch: SliceCounts[] = [];
  for (const [slice, apps] of pending) {
    for (const [app, { counters, users }] of apps) {
      const counts: SliceCounts = { app, slice, counters: {}, uniques: {} };
      for (const name of ANALYTICS_COUNTERS) if (counters[name] > 0) counts.counters[name] = counters[name];
      for (const name of ANALYTICS_UNIQUES)
        if (users[name].size > 0) counts.uniques[name] = [...users[name]].map((id) => hashUser(slice, id));
      batch.push(counts);
    }
  }
  return batch;
}

function eventsIn(batch: readonly SliceCounts[]): number {
  let events = 0;
  for (const { counters, uniques } of batch) {
    for (const n of Object.values(counters)) events += n ?? 0;
    for (const hashes of Object.values(uniques)) events += hashes?.length ?? 0;
  }
  return events;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
