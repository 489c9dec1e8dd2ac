import { createHash } from 'node:crypto';
import { ANALYTICS_COUNTERS, ANALYTICS_UNIQUES, type AnalyticsCounter, type AnalyticsSlice, type AnalyticsUnique } from '@linker/contracts';

/** What the recorder adds to one slice of one app in one write. */
export interface SliceCounts {
  app: string;
  /** `floor(epoch seconds / sliceSeconds)`. */
  slice: number;
  /** Added to the slice's counters (absent = 0). */
  counters: Partial<Record<AnalyticsCounter, number>>;
  /** Hashed user ids (never a user id in clear: `hashUser`), added to the slice's unique counts. */
  uniques: Partial<Record<AnalyticsUnique, readonly string[]>>;
}

/** How long a slice is, and how long after it ended it is kept. Every writer and reader of a domain uses the same values. */
export interface SliceSettings {
  sliceSeconds: number;
  retentionHours: number;
}

/**
 * Per-slice analytics of a domain (docs/protocol.md, Analytics). Adapters: `RedisAnalyticsStore` (real mode: one hash per
 * app and slice, HyperLogLogs for the unique counts, shared by every connector and processor of the domain) and
 * `MemoryAnalyticsStore` (embedded mode: exact sets). Both pass the same contract suite.
 *
 * Guarantees:
 * - `add` adds: counters are summed and hashes are united, whoever wrote them, so writers need no coordination; a
 *   rejected `add` may have added part of the batch (analytics are counts, not records: nothing is retried);
 * - unique counts are exact in memory (up to 1,000,000 per count and slice) and within the HyperLogLog error (about
 *   0.8%) in Redis;
 * - a slice is kept `retentionHours` after it ended and then forgotten (an `add` to a slice already past that keeps nothing);
 * - `read` answers the slices of one app in `[fromSlice, toSlice]` that have something counted, oldest first, each with
 *   every counter and unique count (0 when none);
 * - the store holds only what it was given: hashed ids, never a user id (the caller hashes, `hashUser`).
 */
export interface AnalyticsStore {
  readonly settings: SliceSettings;
  add(batch: readonly SliceCounts[]): Promise<void>;
  read(app: string, fromSlice: number, toSlice: number): Promise<AnalyticsSlice[]>;
  close(): Promise<void>;
}

/** The slice of `epochMs`. */
export function sliceOf(epochMs: number, sliceSeconds: number): number {
  return Math.floor(epochMs / 1000 / sliceSeconds);
}

/** When a slice's data is forgotten, epoch ms: `retentionHours` after the slice ended. */
export function expiryOf(slice: number, { sliceSeconds, retentionHours }: SliceSettings): number {
  return ((slice + 1) * sliceSeconds + retentionHours * 3600) * 1000;
}

/** The oldest slice still kept at `now`. */
export function oldestKept(now: number, settings: SliceSettings): number {
  let slice = sliceOf(now - settings.retentionHours * 3_600_000, settings.sliceSeconds) - 1;
  while (expiryOf(slice, settings) <= now) slice += 1;
  return slice;
}

/** A slice with every counter and unique count at 0. */
export function emptySlice(slice: number, sliceSeconds: number): AnalyticsSlice {
  return {
    slice,
    start: slice * sliceSeconds * 1000,
    sliceSeconds,
    counters: Object.fromEntries(ANALYTICS_COUNTERS.map((c) => [c, 0])) as Record<AnalyticsCounter, number>,
    uniques: Object.fromEntries(ANALYTICS_UNIQUES.map((u) => [u, 0])) as Record<AnalyticsUnique, number>,
  };
}

/** Whether anything was counted in `slice`. */
export function counted(slice: AnalyticsSlice): boolean {
  return ANALYTICS_COUNTERS.some((c) => slice.counters[c] > 0) || ANALYTICS_UNIQUES.some((u) => slice.uniques[u] > 0);
}

/**
 * The only form in which a user id leaves the process: SHA-256 of `<slice>:<userId>`, hex. With the slice first, one
 * user has unrelated hashes in two slices, so the store cannot follow a user from one slice to the next.
 */
export function hashUser(slice: number, userId: string): string {
  return createHash('sha256').update(`${slice}:${userId}`).digest('hex');
}
