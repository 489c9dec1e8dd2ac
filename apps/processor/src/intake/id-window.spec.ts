import { IdWindow } from './id-window';

describe('IdWindow', () => {
  let now = 0;
  const clock = { now: () => now };

  beforeEach(() => (now = 1_000_000));

  it('remembers ids up to its capacity, forgetting the oldest first', () => {
    const window = new IdWindow(3, clock);
    for (const id of ['a', 'b', 'c', 'd']) window.add(id);
    expect(['a', 'b', 'c', 'd'].map((id) => window.has(id))).toEqual([false, true, true, true]);
    expect(window.size).toBe(3);
  });

  it('forgets ids older than its age, and can be told to forget one', () => {
    const window = new IdWindow(100, clock, 1000);
    window.add('old');
    now += 600;
    window.add('young');
    now += 500;
    expect(window.has('old')).toBe(false);
    expect(window.has('young')).toBe(true);
    window.add('old');
    expect(window.has('old')).toBe(true);
    window.delete('young');
    expect(window.has('young')).toBe(false);
  });
});
