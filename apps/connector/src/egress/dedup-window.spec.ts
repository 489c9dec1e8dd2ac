import { DedupWindow } from './dedup-window';

describe('DedupWindow', () => {
  it('remembers an id for the window, then forgets it', () => {
    const window = new DedupWindow(600_000, 10);
    window.add('a', 0);
    expect(window.has('a', 599_999)).toBe(true);
    expect(window.has('a', 600_000)).toBe(false);
    expect(window.has('b', 0)).toBe(false);
  });

  it('keeps at most maxIds ids, forgetting the oldest first', () => {
    const window = new DedupWindow(600_000, 3);
    for (const id of ['a', 'b', 'c', 'd']) window.add(id, 1);
    expect(window.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => window.has(id, 2))).toEqual([false, true, true, true]);
  });

  it('drops expired ids as new ones come, so an idle id does not stay forever', () => {
    const window = new DedupWindow(100, 1_000);
    window.add('old', 0);
    for (let i = 0; i < 300; i++) window.add(`new-${i}`, 200);
    expect(window.size).toBe(300);
  });
});
