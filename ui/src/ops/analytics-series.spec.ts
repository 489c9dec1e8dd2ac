import { ANALYTICS_COUNTERS, ANALYTICS_UNIQUES, type AnalyticsReport, type AnalyticsSlice } from '@linker/contracts';
import { analyticsSeries, hasData } from './analytics-series';

const HOUR = 3_600_000;

function slice(start: number, counts: Partial<AnalyticsSlice['counters']>, connected = 0, sending = 0): AnalyticsSlice {
  const counters = Object.fromEntries(ANALYTICS_COUNTERS.map((name) => [name, counts[name] ?? 0])) as AnalyticsSlice['counters'];
  const uniques = Object.fromEntries(ANALYTICS_UNIQUES.map((name) => [name, 0])) as AnalyticsSlice['uniques'];
  return {
    slice: start / 1000 / 3600,
    start,
    sliceSeconds: 3600,
    counters,
    uniques: { ...uniques, connected_users: connected, sending_users: sending },
  };
}

describe('analyticsSeries', () => {
  const now = 1_000 * HOUR + 30 * 60_000;

  it('has one point per hour of the last day, the current hour last, empty hours at 0', () => {
    const report: AnalyticsReport = {
      app: 'ANZ',
      domains: ['domain-01'],
      slices: [
        slice(990 * HOUR, { reliable_message: 3, fast_group_message: 2, stored: 1 }, 4, 2),
        slice(1_000 * HOUR, { fast_message: 5 }, 1, 1),
      ],
    };
    const series = analyticsSeries(report, now);
    expect(series.times).toHaveLength(24);
    expect(series.times.at(-1)).toBe((1_000 * HOUR) / 1000);
    expect(series.times[0]).toBe((977 * HOUR) / 1000);
    const at = series.times.indexOf((990 * HOUR) / 1000);
    expect([series.connected[at], series.senders[at], series.messages[at], series.stored[at]]).toEqual([4, 2, 5, 1]);
    expect(series.messages.at(-1)).toBe(5);
    expect(series.messages.reduce((a, b) => a + b)).toBe(10);
    expect(hasData(series)).toBe(true);
  });

  it('an empty report gives zeros, and says it has no data', () => {
    const series = analyticsSeries({ app: 'ANZ', domains: [], slices: [] }, now);
    expect(series.messages).toEqual(new Array(24).fill(0));
    expect(hasData(series)).toBe(false);
  });
});
