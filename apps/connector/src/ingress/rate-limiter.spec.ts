import { RateLimiter, rateLimits } from './rate-limiter';

describe('RateLimiter', () => {
  const limits = rateLimits(50, 100, 3, 5_000); // abuse: more than 750 frames in 5 s

  it('lets a burst through, then the rate, and refuses the rest', () => {
    const limiter = new RateLimiter(limits, 0);
    const first = Array.from({ length: 120 }, () => limiter.take(0));
    expect(first.filter((v) => v === 'ok')).toHaveLength(100);
    expect(first.filter((v) => v === 'limited')).toHaveLength(20);
    expect(limiter.take(19)).toBe('limited'); // 0.95 token refilled
    expect(limiter.take(21)).toBe('ok'); // one token after 20 ms at 50/s
    const second = Array.from({ length: 60 }, () => limiter.take(1_021));
    expect(second.filter((v) => v === 'ok')).toHaveLength(50);
  });

  it('calls it abuse past 3x the rate over the window, and forgives in the next window', () => {
    const limiter = new RateLimiter(limits, 0);
    const verdicts = Array.from({ length: 751 }, (_, i) => limiter.take(i));
    expect(verdicts.slice(0, 750)).not.toContain('abuse');
    expect(verdicts[750]).toBe('abuse');
    expect(limiter.take(5_000)).toBe('ok');
  });

  it('never lets a steady client at the rate be refused', () => {
    const limiter = new RateLimiter(limits, 0);
    for (let t = 0; t < 60_000; t += 20) expect(limiter.take(t)).toBe('ok');
  });
});
