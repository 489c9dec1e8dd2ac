import { setImmediate as nextTurn } from 'node:timers/promises';
import { CheckQueue } from './check-queue';

describe('CheckQueue', () => {
  it('runs checks one at a time, in order, each after the event loop had a turn', async () => {
    const queue = new CheckQueue();
    const events: string[] = [];
    const check = (n: number) => () => {
      events.push(`check ${n}`);
      // Work that arrives while a check runs (a message of the process) runs before the next check.
      void nextTurn().then(() => events.push(`work after ${n}`));
      return n * 10;
    };
    const checks = [1, 2, 3].map((n) => queue.run(check(n)));
    expect(queue.length).toBe(3);
    expect(events).toEqual([]); // nothing runs in the caller's turn
    const results = await Promise.all(checks);
    expect(results.map((r) => r.value)).toEqual([10, 20, 30]);
    expect(results.every((r) => r.ms >= 0)).toBe(true);
    expect(events.slice(0, 5)).toEqual(['check 1', 'work after 1', 'check 2', 'work after 2', 'check 3']);
    expect(queue.length).toBe(0);
  });

  it('starts each check at least as long after the previous one ended as that one took', async () => {
    const queue = new CheckQueue();
    const spans: Array<{ start: number; end: number }> = [];
    const busy = (ms: number) => () => {
      const start = performance.now();
      while (performance.now() - start < ms); // a synchronous check that holds the event loop
      spans.push({ start, end: performance.now() });
    };
    await Promise.all([queue.run(busy(30)), queue.run(busy(5)), queue.run(busy(5))]);
    const [first, second, third] = spans;
    expect(second.start - first.end).toBeGreaterThanOrEqual(first.end - first.start - 1);
    expect(third.start - second.end).toBeGreaterThanOrEqual(second.end - second.start - 1);
  });

  it('passes a failing check on to its caller, and goes on with the next', async () => {
    const queue = new CheckQueue();
    const failing = queue.run(() => {
      throw new Error('bad');
    });
    const next = queue.run(() => 'ok');
    await expect(failing).rejects.toThrow('bad');
    expect((await next).value).toBe('ok');
    expect(queue.length).toBe(0);
  });
});
