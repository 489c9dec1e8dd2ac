import type { AnalyticsReport } from '@linker/contracts';

/** What the analytics chart draws: one point per slice of the last day, slices with nothing counted as 0. */
export interface AnalyticsSeries {
  /** Epoch seconds of each slice's start. */
  times: number[];
  connected: number[];
  senders: number[];
  messages: number[];
  stored: number[];
}

export const DAY_MS = 24 * 3_600_000;

/**
 * The last 24 hours before `now` as a series of slices of the report's length (an hour unless it says otherwise):
 * connected users, users who sent, messages (both lanes, one and group) and messages stored. Pure.
 */
export function analyticsSeries(report: AnalyticsReport, now: number): AnalyticsSeries {
  const sliceMs = (report.slices[0]?.sliceSeconds ?? 3_600) * 1000;
  const first = Math.floor((now - DAY_MS) / sliceMs) + 1;
  const last = Math.floor(now / sliceMs);
  const bySlice = new Map(report.slices.map((slice) => [Math.floor(slice.start / sliceMs), slice]));
  const series: AnalyticsSeries = { times: [], connected: [], senders: [], messages: [], stored: [] };
  for (let slice = first; slice <= last; slice++) {
    const found = bySlice.get(slice);
    const c = found?.counters;
    series.times.push((slice * sliceMs) / 1000);
    series.connected.push(found?.uniques.connected_users ?? 0);
    series.senders.push(found?.uniques.sending_users ?? 0);
    series.messages.push(c ? c.reliable_message + c.reliable_group_message + c.fast_message + c.fast_group_message : 0);
    series.stored.push(c?.stored ?? 0);
  }
  return series;
}

/** Whether anything was counted in the series (else the chart says so in words). */
export function hasData(series: AnalyticsSeries): boolean {
  return [series.connected, series.senders, series.messages, series.stored].some((list) => list.some((n) => n > 0));
}
