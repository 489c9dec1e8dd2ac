import { build, type Histogram } from 'hdr-histogram-js';

/** Latency percentiles of a step, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/**
 * An HDR histogram of latencies recorded in microseconds (plain JS build, no WebAssembly), 3 significant digits,
 * from 1 µs up to 10 minutes; values outside are clamped so a stray clock reading never throws on the hot path.
 */
export class LatencyHistogram {
  static readonly HIGHEST_US = 600_000_000;
  private readonly histogram: Histogram = build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: LatencyHistogram.HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  recordMicros(value: number): void {
    const clamped = value < 1 ? 1 : value > LatencyHistogram.HIGHEST_US ? LatencyHistogram.HIGHEST_US : value;
    this.histogram.recordValue(Math.round(clamped));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    return summarize(this.histogram);
  }

  reset(): void {
    this.histogram.reset();
  }
}

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Percentiles of a histogram of microseconds, as milliseconds rounded to the microsecond; all 0 when empty. */
function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const at = (percentile: number): number => round3(histogram.getValueAtPercentile(percentile) / 1000);
  return {
    count,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: round3(histogram.maxValue / 1000),
    mean: round3(histogram.mean / 1000),
  };
}
