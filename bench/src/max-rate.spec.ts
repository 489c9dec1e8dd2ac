import { bracket, DEFAULT_PLAN, nextRate, roundRate, searchResult, verdict, type SearchPlan, type Tried } from './max-rate';
import type { SearchStep, StepResult } from './results';

const plan: SearchPlan = { ...DEFAULT_PLAN, start: 1000, ceiling: 64_000 };

/** The rates a search tries against a system that sustains exactly `limit` msg/s. */
function search(limit: number, searchPlan = plan): number[] {
  const tried: Tried[] = [];
  for (let rate = nextRate([], searchPlan); rate !== undefined; rate = nextRate(tried, searchPlan)) {
    tried.push({ rate, passed: rate <= limit });
    if (tried.length > 50) throw new Error('the search does not end');
  }
  return tried.map((t) => t.rate);
}

describe('max sustainable rate search', () => {
  it('doubles until a step fails, then bisects three times between the last pass and the first failure, trying each failure twice', () => {
    expect(search(11_000)).toEqual([1000, 2000, 4000, 8000, 16_000, 16_000, 12_000, 12_000, 10_000, 11_000]);
    expect(bracket(search(11_000).map((rate) => ({ rate, passed: rate <= 11_000 })))).toEqual({ passed: 11_000, failed: 12_000 });
  });

  it('halves from the first rate when even that fails, down to the floor', () => {
    expect(search(300)).toEqual([1000, 1000, 500, 500, 250, 380, 380, 320, 320, 290]);
    expect(search(10)).toEqual([1000, 1000, 500, 500, 250, 250, 125, 125, 63, 63, 50, 50]);
  });

  it('stops at the ceiling when every step passes', () => {
    expect(search(1e9, { ...plan, ceiling: 5000 })).toEqual([1000, 2000, 4000, 5000]);
  });

  it('ignores a pass above a failure (noise) and stops when nothing lies between', () => {
    expect(
      bracket([
        { rate: 1000, passed: true },
        { rate: 2000, passed: false },
        { rate: 4000, passed: true },
      ]),
    ).toEqual({ passed: 1000, failed: 2000 });
    expect(
      nextRate(
        [
          { rate: 100, passed: true },
          { rate: 101, passed: false },
          { rate: 101, passed: false },
        ],
        plan,
      ),
    ).toBeUndefined();
  });

  it('runs a failed step once more, and counts a rate met by either try as met (one spike decides nothing)', () => {
    expect(
      nextRate(
        [
          { rate: 1000, passed: true },
          { rate: 2000, passed: false },
        ],
        plan,
      ),
    ).toBe(2000);
    const spiked: Tried[] = [
      { rate: 1000, passed: true },
      { rate: 2000, passed: false },
      { rate: 2000, passed: true },
    ];
    expect(bracket(spiked)).toEqual({ passed: 2000, failed: undefined });
    expect(nextRate(spiked, plan)).toBe(4000);
  });

  it('rounds bisected rates to two significant digits', () => {
    expect([roundRate(12_345), roundRate(1250), roundRate(380), roundRate(62.5)]).toEqual([12_000, 1300, 380, 63]);
  });
});

describe('criterion', () => {
  const step = (p99: number, lost: number, count = 1000): Pick<StepResult, 'latency' | 'delivery'> => ({
    latency: { count, p50: 1, p90: 2, p99, p999: p99, max: p99, mean: 1 },
    delivery: { sent: 1000, received: 1000 - lost, lost, duplicates: 0, reordered: 0, unexpected: 0 },
  });

  it('passes a step with p99 ≤ 50 ms and nothing lost, and says why another fails', () => {
    expect(verdict(step(50, 0))).toEqual({ passed: true, why: 'met' });
    expect(verdict(step(50.04, 0))).toEqual({ passed: false, why: 'p99 50 ms > 50' });
    expect(verdict(step(80, 3))).toEqual({ passed: false, why: 'p99 80 ms > 50, 3 lost' });
    expect(verdict(step(0, 0, 0))).toEqual({ passed: false, why: 'nothing measured' });
  });

  it('reports the highest rate that passed and whether it was the ceiling', () => {
    const tried = (offeredRate: number, passed: boolean): SearchStep =>
      ({ offeredRate, passed, why: passed ? 'met' : 'p99 90 ms > 50' }) as SearchStep;
    const result = searchResult([tried(1000, true), tried(2000, false), tried(1500, true)], plan, 5, 2);
    expect(result).toMatchObject({
      criterion: 'p99 ≤ 50 ms and nothing lost',
      rate: 1500,
      atCeiling: false,
      stepSeconds: 5,
      warmupSeconds: 2,
    });
    expect(searchResult([tried(64_000, true)], plan, 5, 2)).toMatchObject({ rate: 64_000, atCeiling: true });
    expect(searchResult([tried(1000, false)], plan, 5, 2)).toMatchObject({ rate: undefined, atCeiling: false });
  });
});
