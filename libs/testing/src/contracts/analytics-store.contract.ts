import { hashUser, sliceOf, type AnalyticsStore, type SliceSettings } from '@linker/analytics';
import { uniqueName } from '../unique-name';

export interface AnalyticsStoreHarness {
  /** A store of its own (a new Redis key prefix, a new memory store) with these settings; the suite closes it. */
  open(settings: SliceSettings): AnalyticsStore;
  /** Another client of the same store (as two processes share one Redis); the suite closes it. */
  another(store: AnalyticsStore): AnalyticsStore;
  /** How far a unique count may be off: 0 for exact sets, the HyperLogLog error for Redis. */
  uniqueError: number;
}

const SETTINGS: SliceSettings = { sliceSeconds: 3_600, retentionHours: 48 };

/** The guarantees of `AnalyticsStore` (libs/analytics), for every adapter. */
export function analyticsStoreContract(name: string, harness: AnalyticsStoreHarness): void {
  describe(`AnalyticsStore contract (${name})`, () => {
    let store: AnalyticsStore;
    let app: string;
    const now = sliceOf(Date.now(), SETTINGS.sliceSeconds);
    beforeEach(() => {
      store = harness.open(SETTINGS);
      app = uniqueName('A').replace(/[^A-Za-z0-9_]/g, '_');
    });
    afterEach(() => store.close());

    const users = (slice: number, ids: string[]) => ids.map((id) => hashUser(slice, id));

    it('sums counters and unites unique users over writers and writes, per slice, oldest first', async () => {
      const other = harness.another(store);
      try {
        await store.add([{ app, slice: now, counters: { clicks: 2, deliveries: 5 }, uniques: { event_users: users(now, ['a', 'b']) } }]);
        await other.add([{ app, slice: now, counters: { clicks: 3 }, uniques: { event_users: users(now, ['b', 'c']) } }]);
        await store.add([{ app, slice: now - 1, counters: { impressions: 1 }, uniques: { connected_users: users(now - 1, ['a']) } }]);
      } finally {
        await other.close();
      }
      const slices = await store.read(app, now - 5, now + 5);
      expect(slices.map((s) => s.slice)).toEqual([now - 1, now]);
      expect(slices[1]).toMatchObject({ slice: now, start: now * 3_600_000, sliceSeconds: 3_600 });
      expect(slices[1].counters).toMatchObject({ clicks: 5, deliveries: 5, impressions: 0, stored: 0 });
      expect(slices[1].uniques).toEqual({ connected_users: 0, sending_users: 0, event_users: 3 });
      expect(slices[0].counters.impressions).toBe(1);
      expect(slices[0].uniques.connected_users).toBe(1);
    });

    it('answers only the slices asked for, of the app asked for', async () => {
      await store.add([
        { app, slice: now, counters: { stored: 1 }, uniques: {} },
        { app, slice: now - 2, counters: { stored: 1 }, uniques: {} },
        { app: `${app}_other`, slice: now, counters: { stored: 7 }, uniques: {} },
      ]);
      expect((await store.read(app, now - 1, now)).map((s) => [s.slice, s.counters.stored])).toEqual([[now, 1]]);
      expect(await store.read(`${app}_none`, now - 5, now)).toEqual([]);
    });

    it('counts many unique users within its error', async () => {
      const ids = Array.from({ length: 5_000 }, (_, i) => `${app}-${i}`);
      await store.add([{ app, slice: now, counters: {}, uniques: { sending_users: users(now, ids) } }]);
      await store.add([{ app, slice: now, counters: {}, uniques: { sending_users: users(now, ids.slice(0, 1_000)) } }]);
      const [slice] = await store.read(app, now, now);
      expect(Math.abs(slice.uniques.sending_users - 5_000)).toBeLessThanOrEqual(5_000 * harness.uniqueError);
    });

    it('keeps nothing of a slice that ended more than retentionHours ago', async () => {
      const tooOld = now - SETTINGS.retentionHours - 2;
      const lastKept = now - SETTINGS.retentionHours + 1;
      await store.add([
        { app, slice: tooOld, counters: { clicks: 1 }, uniques: { event_users: users(tooOld, ['a']) } },
        { app, slice: lastKept, counters: { clicks: 1 }, uniques: {} },
      ]);
      expect((await store.read(app, tooOld - 1, now)).map((s) => s.slice)).toEqual([lastKept]);
    });
  });
}
