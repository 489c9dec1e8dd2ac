import { IdWindow } from './id-window';

describe('IdWindow', () => {
  let now = 0;
  const clock = { now: () => now };

  beforeEach(() => (now = 1_000_000));

  describe('bounded by capacity', () => {
    it('remembers ids up to its capacity, forgetting the oldest first', () => {
      const window = new IdWindow({ capacity: 3, clock });
      for (const id of ['a', 'b', 'c', 'd']) window.add(id);
      expect(['a', 'b', 'c', 'd'].map((id) => window.has(id))).toEqual([false, true, true, true]);
      expect(window.size).toBe(3);
    });

    it('reports duplicates with addNew (the first sighting counts) and forgets the oldest beyond its capacity', () => {
      const window = new IdWindow({ capacity: 3 });
      expect(['a', 'b', 'a', 'c'].map((id) => window.addNew(id))).toEqual([true, true, false, true]);
      expect(window.addNew('d')).toBe(true); // forgets a
      expect(window.size).toBe(3);
      expect(window.has('a')).toBe(false);
      expect(window.addNew('b')).toBe(false);
    });

    it('never reads the clock when ids do not age', () => {
      const window = new IdWindow({
        capacity: 2,
        clock: {
          now: () => {
            throw new Error('clock read');
          },
        },
      });
      expect(window.addNew('a')).toBe(true);
      window.add('b');
      window.add('c');
      expect([window.has('a'), window.has('b'), window.has('c')]).toEqual([false, true, true]);
    });

    it('refuses a window that holds nothing, or for no time', () => {
      expect(() => new IdWindow({ capacity: 0 })).toThrow(RangeError);
      expect(() => new IdWindow({ capacity: Number.NaN })).toThrow(RangeError);
      expect(() => new IdWindow({ maxAgeMs: 0 })).toThrow(RangeError);
    });
  });

  describe('bounded by age', () => {
    it('remembers an id for maxAgeMs after `now`, then forgets it', () => {
      const window = new IdWindow({ capacity: 10, maxAgeMs: 600_000 });
      window.add('a', 0);
      expect(window.has('a', 599_999)).toBe(true);
      expect(window.has('a', 600_000)).toBe(false);
      expect(window.has('b', 0)).toBe(false);
    });

    it('keeps at most capacity ids whatever their age, forgetting the oldest first', () => {
      const window = new IdWindow({ capacity: 3, maxAgeMs: 600_000 });
      for (const id of ['a', 'b', 'c', 'd']) window.add(id, 1);
      expect(window.size).toBe(3);
      expect(['a', 'b', 'c', 'd'].map((id) => window.has(id, 2))).toEqual([false, true, true, true]);
    });

    it('drops expired ids as new ones come, so an idle id does not stay forever', () => {
      const window = new IdWindow({ capacity: 1_000, maxAgeMs: 100 });
      window.add('old', 0);
      for (let i = 0; i < 300; i++) window.add(`new-${i}`, 200);
      expect(window.size).toBe(300);
      expect(window.has('old', 200)).toBe(false);
    });

    it('reads its clock when no `now` is passed, and can be told to forget one id', () => {
      const window = new IdWindow({ capacity: 100, maxAgeMs: 1000, clock });
      window.add('old');
      now += 600;
      window.add('young');
      now += 500;
      expect(window.has('old')).toBe(false);
      expect(window.has('young')).toBe(true);
      expect(window.addNew('old')).toBe(true); // expired: new again, and remembered from now
      expect(window.has('old')).toBe(true);
      window.delete('young');
      expect(window.has('young')).toBe(false);
      expect(window.addNew('young')).toBe(true);
    });

    it('an id deleted and added again is remembered from its new addition, not forgotten with its first one', () => {
      const window = new IdWindow({ capacity: 100, maxAgeMs: 1000, clock });
      window.add('a');
      window.delete('a');
      now += 500;
      window.add('a');
      now += 600; // 1100 after the first addition, 600 after the second
      window.add('b');
      expect(window.has('a')).toBe(true);
    });
  });

  describe('cost', () => {
    // A Map iterator starts at the Map's first slot and walks every slot deleted since V8 last compacted it: a full
    // window that forgot by iterating paid several µs to ~40 µs per addition (commits fd8ef6e, 50203e2, feab0ba).
    it('forgets without iterating its Map', () => {
      const window = new IdWindow({ capacity: 1_000, maxAgeMs: 50, clock });
      const iterations = (['keys', 'values', 'entries', 'forEach', Symbol.iterator] as const).map((name) =>
        jest.spyOn(Map.prototype, name),
      );
      try {
        for (let i = 0; i < 10_000; i++) {
          if (i % 7 === 0) now += 1;
          window.addNew(`id-${i}`);
          if (i % 3 === 0) window.delete(`id-${i - 1}`);
        }
        for (const spy of iterations) expect(spy).not.toHaveBeenCalled();
      } finally {
        for (const spy of iterations) spy.mockRestore();
      }
      expect(window.size).toBeLessThanOrEqual(1_000);
    });

    it('keeps its order queue within about twice the live ids plus a constant, however long it runs', () => {
      const window = new IdWindow({ capacity: 2_000 });
      for (let i = 0; i < 100_000; i++) window.add(`id-${i}`);
      expect(window.size).toBe(2_000);
      const queued = (window as unknown as { orderIds: unknown[] }).orderIds.length;
      expect(queued).toBeLessThanOrEqual(2 * 2_000 + 1_026);
    });
  });
});
