import { ANALYTICS_COUNTERS, ANALYTICS_UNIQUES, type AnalyticsReport, type AnalyticsSlice } from '@linker/contracts';
import { emptySlice, sliceOf, type AnalyticsStore } from './analytics-store.port';

/** The report of one app in one domain over `[fromMs, toMs]` (epoch ms, both ends' slices included). */
export async function readReport(
  store: AnalyticsStore,
  domain: string,
  app: string,
  fromMs: number,
  toMs: number,
): Promise<AnalyticsReport> {
  const { sliceSeconds } = store.settings;
  const slices = await store.read(app, sliceOf(fromMs, sliceSeconds), sliceOf(toMs, sliceSeconds));
  return { app, domains: [domain], slices };
}

/**
 * Several domains' reports of one app summed slice by slice (slices of another length are kept apart). Counters add
 * up exactly; unique users add up too, which is right when each user is counted in one domain only (its home), and
 * counts a user twice otherwise (the app's own events, `POST /analytics`, sent to two domains).
 */
export function sumReports(app: string, reports: readonly AnalyticsReport[]): AnalyticsReport {
  const slices = new Map<string, AnalyticsSlice>();
  const domains = new Set<string>();
  for (const report of reports) {
    for (const domain of report.domains) domains.add(domain);
    for (const slice of report.slices) {
      const key = `${slice.sliceSeconds}:${slice.slice}`;
      let sum = slices.get(key);
      if (sum === undefined) slices.set(key, (sum = emptySlice(slice.slice, slice.sliceSeconds)));
      for (const name of ANALYTICS_COUNTERS) sum.counters[name] += slice.counters[name] ?? 0;
      for (const name of ANALYTICS_UNIQUES) sum.uniques[name] += slice.uniques[name] ?? 0;
    }
  }
  return {
    app,
    domains: [...domains].sort(),
    slices: [...slices.values()].sort((a, b) => a.start - b.start || a.sliceSeconds - b.sliceSeconds),
  };
}
