import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  it('is 0 before any event', () => {
    expect(new RateMeter().perSecond(1000)).toBe(0);
  });

  it('counts the events of the last window, per second', () => {
    const meter = new RateMeter(5000);
    for (let t = 100; t <= 10_000; t += 100) meter.record(t); // 10 a second for 10 s
    expect(meter.perSecond(10_000)).toBe(10);
    // Nothing for 2.5 s more: half the window is empty.
    expect(meter.perSecond(12_500)).toBe(5);
    expect(meter.perSecond(20_000)).toBe(0);
  });

  it('divides by the time since the first event while the window is not full, and by a second at least', () => {
    const meter = new RateMeter(5000);
    for (let t = 0; t < 2000; t += 250) meter.record(t);
    expect(meter.perSecond(2000)).toBe(4);
    const fresh = new RateMeter(5000);
    fresh.record(0);
    fresh.record(10);
    expect(fresh.perSecond(10)).toBe(2);
  });
});
