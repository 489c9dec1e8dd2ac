import { ANALYTICS_COUNTERS, ANALYTICS_UNIQUES, type AnalyticsReport, type AnalyticsSlice } from '@linker/contracts';
import { AnalyticsTotals } from './analytics-totals';

const HOUR = 3_600_000;
const SLICE = 490_000;

function slice(n: number, counters: Partial<AnalyticsSlice['counters']>, uniques: Partial<AnalyticsSlice['uniques']> = {}): AnalyticsSlice {
  const zero = <K extends string>(names: readonly K[]) => Object.fromEntries(names.map((k) => [k, 0])) as Record<K, number>;
  return {
    slice: n,
    start: n * HOUR,
    sliceSeconds: 3_600,
    counters: { ...zero(ANALYTICS_COUNTERS), ...counters },
    uniques: { ...zero(ANALYTICS_UNIQUES), ...uniques },
  };
}

const report = (domain: string, app: string, slices: AnalyticsSlice[]): AnalyticsReport => ({ app, domains: [domain], slices });

describe('AnalyticsTotals (the meta-server summing domains)', () => {
  it("sums two domains' reports of an app slice by slice, counters and unique users, and names both domains", async () => {
    const totals = new AnalyticsTotals();
    totals.report('d1', [
      report('d1', 'ANZ', [slice(SLICE, { clicks: 3, stored: 2 }, { connected_users: 10 }), slice(SLICE + 1, { clicks: 1 })]),
    ]);
    totals.report('d2', [
      report('d2', 'ANZ', [slice(SLICE, { clicks: 4 }, { connected_users: 5 })]),
      report('d2', 'EXT', [slice(SLICE, { clicks: 99 })]),
    ]);
    const sum = await totals.sum('ANZ', SLICE * HOUR, (SLICE + 2) * HOUR);
    expect(sum.domains).toEqual(['d1', 'd2']);
    expect(sum.slices.map((s) => [s.slice, s.counters.clicks, s.counters.stored, s.uniques.connected_users])).toEqual([
      [SLICE, 7, 2, 15],
      [SLICE + 1, 1, 0, 0],
    ]);
  });

  it("keeps each domain's last report only, and the slices asked for", async () => {
    const totals = new AnalyticsTotals();
    totals.report('d1', [report('d1', 'ANZ', [slice(SLICE, { clicks: 3 })])]);
    totals.report('d1', [report('d1', 'ANZ', [slice(SLICE, { clicks: 5 }), slice(SLICE + 3, { clicks: 1 })])]);
    const sum = await totals.sum('ANZ', SLICE * HOUR + 10, SLICE * HOUR + 20);
    expect(sum.slices.map((s) => [s.slice, s.counters.clicks])).toEqual([[SLICE, 5]]);
  });

  it('reads a local domain at each request instead of its reports, and adds the others', async () => {
    const totals = new AnalyticsTotals();
    totals.readLocally('here', async (app) => report('here', app, [slice(SLICE, { impressions: 2 })]));
    totals.report('here', [report('here', 'ANZ', [slice(SLICE, { impressions: 100 })])]);
    totals.report('there', [report('there', 'ANZ', [slice(SLICE, { impressions: 3 })])]);
    const sum = await totals.sum('ANZ', SLICE * HOUR, SLICE * HOUR);
    expect([sum.domains, sum.slices[0].counters.impressions]).toEqual([['here', 'there'], 5]);
  });

  it('forgets a domain not heard from for a week', async () => {
    let now = SLICE * HOUR;
    const totals = new AnalyticsTotals(() => now);
    totals.report('d1', [report('d1', 'ANZ', [slice(SLICE, { clicks: 3 })])]);
    now += 8 * 24 * HOUR;
    expect((await totals.sum('ANZ', 0, now)).slices).toEqual([]);
  });
});
