import { KeyedLimiter } from './keyed-limiter';

/** A task that runs until `end()` is called, and says whether it started. */
function gatedTask(): { task: () => Promise<void>; started: () => boolean; end: () => void } {
  let started = false;
  let end = (): void => undefined;
  const ended = new Promise<void>((resolve) => (end = resolve));
  return {
    task: async () => {
      started = true;
      await ended;
    },
    started: () => started,
    end: () => end(),
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('KeyedLimiter', () => {
  it('runs at most `concurrency` tasks of a key, queues up to `queue` in order, refuses more at once', async () => {
    const limiter = new KeyedLimiter({ concurrency: 2, queue: 2 });
    const tasks = Array.from({ length: 5 }, gatedTask);
    expect(tasks.map((t) => limiter.offer('a', t.task))).toEqual([true, true, true, true, false]);
    expect(tasks.map((t) => t.started())).toEqual([true, true, false, false, false]);
    tasks[1].end();
    await settle();
    expect(tasks.map((t) => t.started())).toEqual([true, true, true, false, false]);
    tasks[0].end();
    await settle();
    expect(tasks.map((t) => t.started())).toEqual([true, true, true, true, false]);
    expect(limiter.offer('a', gatedTask().task)).toBe(true); // a queue place came free
  });

  it('keeps keys apart: a full key does not hold up another', () => {
    const limiter = new KeyedLimiter({ concurrency: 1, queue: 0 });
    expect(limiter.offer('a', gatedTask().task)).toBe(true);
    expect(limiter.offer('a', gatedTask().task)).toBe(false);
    const other = gatedTask();
    expect(limiter.offer('b', other.task)).toBe(true);
    expect(other.started()).toBe(true);
  });

  it('goes on after a task that rejects', async () => {
    const limiter = new KeyedLimiter({ concurrency: 1, queue: 1 });
    const next = gatedTask();
    limiter.offer('a', () => Promise.reject(new Error('failed')));
    limiter.offer('a', next.task);
    await settle();
    expect(next.started()).toBe(true);
  });

  it('gives up a task that waited over maxWaitMs when its turn comes (its expired runs instead), and runs the next in time', async () => {
    let now = 0;
    const limiter = new KeyedLimiter({ concurrency: 1, queue: 3, maxWaitMs: 1_000 }, () => now);
    const running = gatedTask();
    limiter.offer('a', running.task);
    const expired: string[] = [];
    const late = [gatedTask(), gatedTask()];
    for (const [i, t] of late.entries()) limiter.offer('a', t.task, async () => void expired.push(`late ${i}`));
    now = 600;
    const inTime = gatedTask();
    limiter.offer('a', inTime.task, async () => void expired.push('in time'));
    now = 1_500; // the first two waited 1,500 ms, the third 900 ms
    running.end();
    await settle();
    expect(expired).toEqual(['late 0', 'late 1']);
    expect(late.map((t) => t.started())).toEqual([false, false]);
    expect(inTime.started()).toBe(true);
    inTime.end();
    await settle();
    expect(expired).toEqual(['late 0', 'late 1']);
  });

  it('close: refuses new tasks, drops the waiting ones, resolves once the running ones ended', async () => {
    const limiter = new KeyedLimiter({ concurrency: 1, queue: 5 });
    const running = gatedTask();
    const waiting = [gatedTask(), gatedTask()];
    limiter.offer('a', running.task);
    for (const t of waiting) limiter.offer('a', t.task);
    let closed: number | undefined;
    const closing = limiter.close().then((dropped) => (closed = dropped));
    expect(limiter.offer('b', gatedTask().task)).toBe(false);
    await settle();
    expect(closed).toBeUndefined();
    running.end();
    await closing;
    expect(closed).toBe(2);
    expect(waiting.map((t) => t.started())).toEqual([false, false]);
  });
});
