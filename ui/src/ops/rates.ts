import type { LatencyHistogram, OpsOverview, OpsProcessor } from '@linker/contracts';

/** How many samples a rate chart keeps (one a second: the last two minutes). */
const RATE_POINTS = 120;

/** A processor's per-second rates by lane over time, from successive samples of its counters. */
export interface RateSeries {
  /** Epoch seconds of each point. */
  times: number[];
  reliable: number[];
  fast: number[];
}

interface Sample {
  at: number;
  reliable: number;
  fast: number;
  latency?: LatencyHistogram;
}

/**
 * Turns successive `OpsOverview`s into per-second rates by lane (the counters' growth over the time between two
 * samples) and a p99 delivery latency over the same interval. Pure: the screen feeds it each overview it reads.
 * A counter that went down (the processor restarted) starts over from its new value.
 */
export class OpsRates {
  private readonly last = new Map<string, Sample>();
  private readonly series = new Map<string, RateSeries>();
  private readonly p99s = new Map<string, number | undefined>();

  add(overview: OpsOverview): void {
    for (const processor of overview.processors) {
      if (processor.processed === undefined) continue;
      const sample: Sample = {
        at: overview.at,
        reliable: processor.processed.RELIABLE,
        fast: processor.processed.FAST,
        latency: processor.latency?.RELIABLE,
      };
      const key = keyOf(processor);
      const before = this.last.get(key);
      this.last.set(key, sample);
      if (before === undefined || sample.at <= before.at) continue;
      const seconds = (sample.at - before.at) / 1000;
      const series = this.seriesOf(key);
      series.times.push(sample.at / 1000);
      series.reliable.push(growth(before.reliable, sample.reliable) / seconds);
      series.fast.push(growth(before.fast, sample.fast) / seconds);
      if (series.times.length > RATE_POINTS) for (const list of Object.values(series)) list.shift();
      const recent = sample.latency && quantile(difference(sample.latency, before.latency), 0.99);
      this.p99s.set(key, recent ?? (sample.latency && quantile(sample.latency, 0.99)));
    }
  }

  /** The rates of `processor` so far (empty until two samples were read). */
  of(processor: OpsProcessor): RateSeries {
    return this.series.get(keyOf(processor)) ?? { times: [], reliable: [], fast: [] };
  }

  /** The p99 delivery latency of `processor` in ms: over the last interval, else since it started; none recorded: undefined. */
  p99Ms(processor: OpsProcessor): number | undefined {
    const seconds = this.p99s.get(keyOf(processor));
    return seconds === undefined ? undefined : seconds * 1000;
  }

  private seriesOf(name: string): RateSeries {
    let series = this.series.get(name);
    if (!series) this.series.set(name, (series = { times: [], reliable: [], fast: [] }));
    return series;
  }
}

/** Processors of several domains may share a name (each domain's `processor-01`). */
export function keyOf(processor: OpsProcessor): string {
  return `${processor.domain ?? ''}/${processor.name}`;
}

function growth(before: number, now: number): number {
  return now >= before ? now - before : now;
}

/** The deliveries recorded between `before` and `now` (all of `now` when there is no comparable `before`). */
export function difference(now: LatencyHistogram, before: LatencyHistogram | undefined): LatencyHistogram {
  if (before === undefined || before.count > now.count) return now;
  const buckets = now.buckets.map(({ le, count }) => ({ le, count: count - (before.buckets.find((b) => b.le === le)?.count ?? 0) }));
  return { buckets, count: now.count - before.count, sum: now.sum - before.sum };
}

/**
 * The `q` quantile of a histogram in seconds, as Prometheus' `histogram_quantile` estimates it (linear within the
 * bucket); beyond the last bound: that bound. None recorded: undefined.
 */
export function quantile(histogram: LatencyHistogram, q: number): number | undefined {
  if (histogram.count <= 0) return undefined;
  const rank = q * histogram.count;
  let lower = 0;
  let below = 0;
  for (const { le, count } of histogram.buckets) {
    if (count >= rank) return lower + ((le - lower) * (rank - below)) / Math.max(1, count - below);
    lower = le;
    below = count;
  }
  return lower;
}
