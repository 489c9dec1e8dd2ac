import { RateLimiter, rateLimits, type RateVerdict } from './rate-limiter';

/** What the limiter answers to frames a client sends every `1000 / perSecond` ms in [from, to), read `readAt(sentAt)`. */
function client(
  limiter: RateLimiter,
  perSecond: number,
  from: number,
  to: number,
  read: (sentAt: number) => { at: number; stalledMs: number },
): RateVerdict[] {
  const verdicts: RateVerdict[] = [];
  for (let sentAt = from; sentAt < to; sentAt += 1000 / perSecond) {
    const { at, stalledMs } = read(sentAt);
    verdicts.push(limiter.take(at, stalledMs));
  }
  return verdicts;
}

const count = (verdicts: RateVerdict[], verdict: RateVerdict): number => verdicts.filter((v) => v === verdict).length;
/** A loop that keeps up: each frame is read 1 ms after it was sent, and may have waited that long. */
const prompt = (sentAt: number) => ({ at: sentAt + 1, stalledMs: 1 });
/** The loop is stalled over [start, start + ms): what is sent meanwhile is read in one burst when it ends. */
const stalled = (start: number, ms: number) => (sentAt: number) =>
  sentAt >= start && sentAt < start + ms ? { at: start + ms, stalledMs: ms } : prompt(sentAt);

describe('RateLimiter', () => {
  const limits = rateLimits(50, 100, 3, 5_000); // abuse: more than 500 frames refused within 5 s

  it('lets a burst through, then the rate, and refuses the rest', () => {
    const limiter = new RateLimiter(limits, 0);
    const first = Array.from({ length: 120 }, () => limiter.take(0));
    expect(count(first, 'ok')).toBe(100);
    expect(count(first, 'limited')).toBe(20);
    expect(limiter.take(19)).toBe('limited'); // 0.95 token refilled
    expect(limiter.take(21)).toBe('ok'); // one token after 20 ms at 50/s
    const second = Array.from({ length: 60 }, () => limiter.take(1_021));
    expect(count(second, 'ok')).toBe(50);
  });

  it('never lets a steady client at the rate be refused', () => {
    const limiter = new RateLimiter(limits, 0);
    for (let t = 0; t < 60_000; t += 20) expect(limiter.take(t)).toBe('ok');
  });

  describe('when the event loop was stalled', () => {
    it.each([
      { stall: 3_000, burst: 20, abuseFactor: 3, window: 5_000 }, // 60 frames wait, 3 times the burst
      { stall: 10_000, burst: 100, abuseFactor: 3, window: 5_000 }, // the defaults: 200 frames wait
      { stall: 40_000, burst: 100, abuseFactor: 3, window: 5_000 }, // 800 frames: more than 3x the rate over 5 s
      { stall: 3_000, burst: 100, abuseFactor: 1, window: 1_000 }, // 60 frames read in one 1 s window
    ])(
      'refuses none of a 20 msg/s client’s frames read in one burst after a $stall ms stall (burst $burst)',
      ({ stall, burst, abuseFactor, window }) => {
        const limiter = new RateLimiter(rateLimits(50, burst, abuseFactor, window), 0);
        const verdicts = client(limiter, 20, 0, 20_000 + stall + 20_000, stalled(20_000, stall));
        expect(verdicts.length).toBe(20 * (40 + stall / 1000));
        expect(verdicts.filter((v) => v !== 'ok')).toEqual([]);
      },
    );

    it('would refuse them without the credit: a bucket capped at the burst', () => {
      const limiter = new RateLimiter(rateLimits(50, 20, 3, 5_000), 0);
      const uncredited = (sentAt: number) => ({ ...stalled(20_000, 3_000)(sentAt), stalledMs: 0 });
      expect(count(client(limiter, 20, 0, 30_000, uncredited), 'limited')).toBeGreaterThanOrEqual(40); // 60 waited; the bucket held 20
    });

    it('still limits a 200 msg/s client to the rate, and closes it with 4004 when it goes on', () => {
      const limiter = new RateLimiter(limits, 0);
      const verdicts = client(limiter, 200, 0, 10_000, stalled(1_000, 3_000));
      const abuse = verdicts.indexOf('abuse');
      // Refused from 0.67 s on (150 a second, 450 of the 600 read after the stall): more than 500 by about 4 s.
      expect(abuse / 200).toBeGreaterThan(3.9);
      expect(abuse / 200).toBeLessThan(4.5);
      const accepted = count(verdicts.slice(0, abuse), 'ok');
      expect(accepted).toBeLessThanOrEqual(100 + 50 * (abuse / 200));
      expect(accepted).toBeGreaterThanOrEqual(100 + 50 * (abuse / 200) - 2);
    });

    it('forfeits credit it did not use once the stall is over', () => {
      const limiter = new RateLimiter(limits, 0);
      expect(limiter.take(3_000, 3_000)).toBe('ok'); // one frame read after a 3 s stall: the bucket may hold 250
      const next = Array.from({ length: 300 }, () => limiter.take(3_005, 5)); // the next turn: 100.25 at most
      expect(count(next, 'ok')).toBe(100);
    });
  });

  describe('abuse', () => {
    it('counts refused frames only: 2.5x the rate goes on being limited, 4x is closed within the window', () => {
      const twoAndAHalf = client(new RateLimiter(limits, 0), 125, 0, 60_000, prompt);
      expect(count(twoAndAHalf, 'abuse')).toBe(0);
      expect(count(twoAndAHalf, 'ok')).toBeLessThanOrEqual(100 + 50 * 60);
      const four = client(new RateLimiter(limits, 0), 200, 0, 10_000, prompt);
      expect(four.indexOf('abuse') / 200).toBeLessThan(5);
    });

    it('closes at the first refused frame with an abuse factor of 1, and never before one is refused', () => {
      const limiter = new RateLimiter(rateLimits(50, 100, 1, 5_000), 0);
      expect(Array.from({ length: 100 }, () => limiter.take(0))).not.toContain('abuse');
      expect(limiter.take(0)).toBe('abuse');
    });

    it('forgives in the next window', () => {
      const limiter = new RateLimiter(limits, 0);
      const first = Array.from({ length: 600 }, () => limiter.take(0));
      expect(count(first, 'limited')).toBe(500);
      expect(limiter.take(4_999)).toBe('ok'); // tokens came back
      expect(Array.from({ length: 300 }, () => limiter.take(4_999))).toContain('abuse'); // still the first window
      const later = new RateLimiter(limits, 0);
      Array.from({ length: 600 }, () => later.take(0));
      expect(Array.from({ length: 500 }, () => later.take(5_000)).filter((v) => v === 'abuse')).toEqual([]); // a new window
    });
  });
});
