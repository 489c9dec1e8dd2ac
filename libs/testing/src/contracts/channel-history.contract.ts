import type { ChannelHistory, HistoryLimits } from '@linker/presence';
import { uniqueName } from '../unique-name';

export interface ChannelHistoryHarness {
  /** A client of a store of its own (a new Redis key prefix, a new memory history); the suite closes it. */
  open(): ChannelHistory;
  /** Make the store lose everything at once (a Redis restarted without persistence), if the adapter can. */
  lose?(history: ChannelHistory): Promise<void>;
}

const LIMITS: HistoryLimits = { size: 5, ttlSeconds: 60 };

/** The guarantees of `ChannelHistory` (libs/presence), for every adapter. */
export function channelHistoryContract(name: string, harness: ChannelHistoryHarness): void {
  describe(`ChannelHistory contract (${name})`, () => {
    let history: ChannelHistory;
    let channel: string;
    beforeEach(() => {
      history = harness.open();
      channel = `ANZ:${uniqueName('c')}`;
    });
    afterEach(() => history.close());

    const append = (id: string, extra: Partial<Parameters<ChannelHistory['append']>[0]> = {}) =>
      history.append({ ...LIMITS, channel, id, domain: 'd1', entry: { data: { id }, from: 'ANZ-1' }, now: Date.now(), ...extra });

    it('numbers appends 1, 2, 3 under one epoch, and numbers what enters here as its origin', async () => {
      const start = await history.position(channel, LIMITS);
      expect(start.offset).toBe(0);
      const appended = [await append('a'), await append('b'), await append('c')];
      expect(appended.map((a) => [a.epoch, a.offset, a.origin])).toEqual([
        [start.epoch, 1, { domain: 'd1', seq: 1 }],
        [start.epoch, 2, { domain: 'd1', seq: 2 }],
        [start.epoch, 3, { domain: 'd1', seq: 3 }],
      ]);
      expect(await history.position(channel, LIMITS)).toEqual({ epoch: start.epoch, offset: 3 });
    });

    it('answers a repeated append with its first answer, and keeps it once', async () => {
      const first = await append('a');
      expect(await append('a')).toEqual(first);
      const since = await history.since(channel, { epoch: first.epoch, offset: 0 }, LIMITS);
      expect(since.entries.map((e) => e.offset)).toEqual([1]);
    });

    it('gives back what came after an offset, in order, recovered', async () => {
      const { epoch } = await history.position(channel, LIMITS);
      for (const id of ['a', 'b', 'c', 'd']) await append(id);
      expect(await history.since(channel, { epoch, offset: 2 }, LIMITS)).toEqual({
        position: { epoch, offset: 4 },
        recovered: true,
        entries: [
          { offset: 3, data: { id: 'c' }, from: 'ANZ-1' },
          { offset: 4, data: { id: 'd' }, from: 'ANZ-1' },
        ],
      });
      expect(await history.since(channel, { epoch, offset: 4 }, LIMITS)).toEqual({
        position: { epoch, offset: 4 },
        recovered: true,
        entries: [],
      });
    });

    it('is not recovered when the offset has left the history (more than size since), or the epoch is another', async () => {
      const { epoch } = await history.position(channel, LIMITS);
      for (let i = 0; i < 8; i++) await append(`p${i}`);
      expect(await history.since(channel, { epoch, offset: 1 }, LIMITS)).toEqual({
        position: { epoch, offset: 8 },
        recovered: false,
        entries: [],
      });
      expect((await history.since(channel, { epoch, offset: 3 }, LIMITS)).recovered).toBe(true);
      expect((await history.since(channel, { epoch: 'another', offset: 7 }, LIMITS)).recovered).toBe(false);
    });

    it('starts a new epoch after a gap in the numbering of a publication from another domain', async () => {
      const first = await append('x1', { origin: { domain: 'd2', seq: 10 } });
      const next = await append('x2', { origin: { domain: 'd2', seq: 11 } });
      expect([next.epoch, next.offset]).toEqual([first.epoch, first.offset + 1]);
      const afterGap = await append('x4', { origin: { domain: 'd2', seq: 13 } });
      expect(afterGap.epoch).not.toBe(first.epoch);
      expect(afterGap.offset).toBe(1);
      expect((await history.since(channel, { epoch: first.epoch, offset: next.offset }, LIMITS)).recovered).toBe(false);
    });

    it('leaves out of a recovery what is older than ttlSeconds, and then is not recovered', async () => {
      const { epoch } = await history.position(channel, LIMITS);
      await append('old', { now: Date.now() - 90_000 });
      await append('middle', { now: Date.now() - 50_000 });
      await append('new');
      expect(await history.since(channel, { epoch, offset: 0 }, LIMITS)).toMatchObject({ recovered: false, entries: [] });
      expect(await history.since(channel, { epoch, offset: 1 }, LIMITS)).toMatchObject({
        recovered: true,
        entries: [{ offset: 2 }, { offset: 3 }],
      });
    });

    if (harness.lose !== undefined) {
      it('starts a new epoch when the store lost the history', async () => {
        const first = await append('a');
        await harness.lose?.(history);
        const after = await append('b');
        expect(after.epoch).not.toBe(first.epoch);
        expect((await history.since(channel, { epoch: first.epoch, offset: 1 }, LIMITS)).recovered).toBe(false);
      });
    }
  });
}
