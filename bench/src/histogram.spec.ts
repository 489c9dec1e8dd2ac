import { LatencyHistogram } from './histogram';
import { decodePayload, encodePayload } from './payload';
import { parseStatTicks, parseStatusRssKiB, ticksBetween } from './proc-stats';

describe('latency histogram', () => {
  it('extracts percentiles in milliseconds from microsecond recordings', () => {
    const histogram = new LatencyHistogram();
    for (let us = 1; us <= 10_000; us++) histogram.recordMicros(us * 10); // 10 µs … 100 ms, uniform
    const summary = histogram.summary();
    expect(summary.count).toBe(10_000);
    expect(summary.p50).toBeCloseTo(50, 0);
    expect(summary.p90).toBeCloseTo(90, 0);
    expect(summary.p99).toBeCloseTo(99, 0);
    expect(summary.p999).toBeCloseTo(99.9, 0);
    expect(summary.max).toBeCloseTo(100, 0);
    expect(summary.mean).toBeCloseTo(50, 0);
  });

  it('is all zeros when empty and clamps values it cannot hold', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.summary()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    histogram.recordMicros(-5);
    histogram.recordMicros(1e12);
    expect(histogram.count).toBe(2);
    expect(histogram.summary().max).toBeCloseTo(LatencyHistogram.HIGHEST_US / 1000, -3);
  });
});

describe('payload', () => {
  it('pads to the size and decodes its header back', () => {
    const header = { step: 2, sender: 17, seq: 12_345, intendedUs: 987_654_321, sentUs: 987_654_400 };
    const content = encodePayload(header, 1024);
    expect(content).toHaveLength(1024);
    expect(content).toMatch(/^[a-z0-9:]+$/);
    expect(decodePayload(content)).toEqual(header);
  });

  it('ignores contents that are not its own', () => {
    expect(decodePayload('hello')).toBeUndefined();
    expect(decodePayload('b:1:2:x:4:5:')).toBeUndefined();
    expect(decodePayload('b:1:2')).toBeUndefined();
  });
});

describe('/proc parsing', () => {
  it('reads utime + stime even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 25 0 0 20 0 11 0 100 1000000 5000';
    expect(parseStatTicks(stat)).toBe(175);
  });

  it('adds up what every process used between two readings (new ones in full, vanished ones not at all)', () => {
    const first = new Map([
      [1, 100],
      [2, 50],
      [3, 70],
    ]);
    const last = new Map([
      [1, 130],
      [2, 50],
      [4, 12],
    ]);
    expect(ticksBetween(first, last)).toBe(30 + 0 + 12);
  });

  it('reads VmRSS in KiB', () => {
    expect(parseStatusRssKiB('Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t   51234 kB\nThreads:\t11\n')).toBe(51234);
    expect(() => parseStatusRssKiB('Name: node')).toThrow(/VmRSS/);
  });
});
