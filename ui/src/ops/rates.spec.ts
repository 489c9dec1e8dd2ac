import type { LatencyHistogram, OpsOverview } from '@linker/contracts';
import { difference, OpsRates, quantile } from './rates';

const P1 = { name: 'p-1', domain: 'domain-01' };

const histogram = (counts: number[], count = counts.at(-1) ?? 0): LatencyHistogram => ({
  buckets: [0.01, 0.1, 1].map((le, n) => ({ le, count: counts[n] })),
  count,
  sum: 0,
});

function overview(at: number, reliable: number, fast: number, latency?: LatencyHistogram): OpsOverview {
  return {
    at,
    connectors: [],
    processors: [{ ...P1, processed: { RELIABLE: reliable, FAST: fast }, latency: { RELIABLE: latency } }],
  };
}

describe('OpsRates', () => {
  it('turns counter samples into per-second rates by lane, from the second sample on', () => {
    const rates = new OpsRates();
    rates.add(overview(10_000, 100, 0));
    expect(rates.of(P1).times).toEqual([]);
    rates.add(overview(12_000, 300, 50));
    rates.add(overview(13_000, 300, 60));
    expect(rates.of(P1)).toEqual({ times: [12, 13], reliable: [100, 0], fast: [25, 10] });
  });

  it('starts over when a counter goes down (a restarted processor), and ignores a sample not newer', () => {
    const rates = new OpsRates();
    rates.add(overview(1_000, 500, 0));
    rates.add(overview(2_000, 20, 0));
    rates.add(overview(2_000, 40, 0));
    expect(rates.of(P1).reliable).toEqual([20]);
  });

  it('gives the p99 of the last interval, else of everything so far', () => {
    const rates = new OpsRates();
    rates.add(overview(1_000, 0, 0, histogram([100, 100, 100])));
    rates.add(overview(2_000, 0, 0, histogram([100, 100, 100])));
    expect(rates.p99Ms(P1)).toBeCloseTo(9.9);
    rates.add(overview(3_000, 0, 0, histogram([100, 100, 200])));
    expect(rates.p99Ms(P1)).toBeCloseTo(991);
    expect(rates.p99Ms({ name: 'p-1', domain: 'domain-02' })).toBeUndefined();
  });
});

describe('quantile and difference', () => {
  it('estimates linearly within the bucket, as histogram_quantile does; none recorded: undefined', () => {
    expect(quantile(histogram([50, 100, 100]), 0.5)).toBeCloseTo(0.01);
    expect(quantile(histogram([0, 100, 100]), 0.99)).toBeCloseTo(0.01 + 0.09 * 0.99);
    expect(quantile(histogram([0, 0, 0]), 0.99)).toBeUndefined();
  });

  it('subtracts an earlier histogram bucket by bucket, or keeps the later one when the counts went down', () => {
    expect(difference(histogram([5, 8, 10]), histogram([1, 2, 3]))).toEqual(histogram([4, 6, 7]));
    expect(difference(histogram([1, 1, 1]), histogram([5, 8, 10]))).toEqual(histogram([1, 1, 1]));
  });
});
