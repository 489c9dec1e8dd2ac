import { ANALYTICS_COUNTERS, ANALYTICS_UNIQUES, type AnalyticsSlice, type AnalyticsUnique } from '@linker/contracts';
import { counted, emptySlice, expiryOf, type AnalyticsStore, type SliceCounts, type SliceSettings } from '../analytics-store.port';

interface KeptSlice {
  slice: AnalyticsSlice;
  hashes: Record<AnalyticsUnique, Set<string>>;
}

/** Most hashes one unique count of one slice holds; past it the count stays there (memory stays bounded). */
const MAX_EXACT = 1_000_000;

/**
 * `AnalyticsStore` in this process (embedded mode, unit tests): exact sets, so unique counts are exact (up to
 * 1,000,000 users per count and slice, where a count stops growing).
 */
export class MemoryAnalyticsStore implements AnalyticsStore {
  /** By app, then slice. */
  private readonly apps = new Map<string, Map<number, KeptSlice>>();

  constructor(
    readonly settings: SliceSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async add(batch: readonly SliceCounts[]): Promise<void> {
    const now = this.now();
    for (const slices of this.apps.values()) this.forgetExpired(slices, now);
    for (const { app, slice, counters, uniques } of batch) {
      if (expiryOf(slice, this.settings) <= now) continue;
      const kept = this.kept(app, slice);
      for (const name of ANALYTICS_COUNTERS) kept.slice.counters[name] += counters[name] ?? 0;
      for (const name of ANALYTICS_UNIQUES) {
        const set = kept.hashes[name];
        for (const hash of uniques[name] ?? []) if (set.size < MAX_EXACT) set.add(hash);
        kept.slice.uniques[name] = kept.hashes[name].size;
      }
    }
  }

  async read(app: string, fromSlice: number, toSlice: number): Promise<AnalyticsSlice[]> {
    const slices = this.apps.get(app);
    if (slices === undefined) return [];
    this.forgetExpired(slices, this.now());
    const found: AnalyticsSlice[] = [];
    for (const [slice, kept] of slices) {
      if (slice >= fromSlice && slice <= toSlice && counted(kept.slice)) found.push(structuredClone(kept.slice));
    }
    return found.sort((a, b) => a.slice - b.slice);
  }

  async close(): Promise<void> {}

  private forgetExpired(slices: Map<number, KeptSlice>, now: number): void {
    for (const slice of slices.keys()) if (expiryOf(slice, this.settings) <= now) slices.delete(slice);
  }

  private kept(app: string, slice: number): KeptSlice {
    let slices = this.apps.get(app);
    if (slices === undefined) this.apps.set(app, (slices = new Map()));
    let kept = slices.get(slice);
    if (kept === undefined) {
      const hashes = Object.fromEntries(ANALYTICS_UNIQUES.map((u) => [u, new Set<string>()])) as KeptSlice['hashes'];
      slices.set(slice, (kept = { slice: emptySlice(slice, this.settings.sliceSeconds), hashes }));
    }
    return kept;
  }
}
