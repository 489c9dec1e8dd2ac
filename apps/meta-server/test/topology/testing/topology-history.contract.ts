import type { HistoryEntry, TopologyHistory } from '../../../src/topology/topology-history';

// The contract suites of the libs' ports live in libs/testing/src/contracts; this port belongs to the meta-server, and
// a lib may not import an app, so its suite lives beside it (a `testing/` folder: tests only, never built).

/** How the contract gets histories of one adapter. Every `open()` is a fresh, empty store of its own. */
export interface TopologyHistoryHarness<H extends TopologyHistory> {
  open(): Promise<H>;
  /** Drop `history` and open its store again, as a restart would. Only adapters that persist have it. */
  reopen?(history: H): Promise<H>;
  /** Release what `history` holds (close it, drop its database or directory); called after each test. */
  discard?(history: H): Promise<void>;
}

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';
const TIME = '2026-01-01T00:00:00.000Z';

const entry = (version: string, author: string, kind: HistoryEntry['kind'], time = TIME): HistoryEntry => ({ version, author, time, kind });

/** The behaviour every `TopologyHistory` adapter must show (ADR 0010): run it against each adapter. */
export function topologyHistoryContract<H extends TopologyHistory>(name: string, harness: TopologyHistoryHarness<H>): void {
  describe(`TopologyHistory contract: ${name}`, () => {
    let history: H;

    beforeEach(async () => {
      history = await harness.open();
    });

    afterEach(async () => {
      await harness.discard?.(history);
    });

    it('is empty at first, then lists every entry newest first, exactly as appended', async () => {
      expect(await history.list()).toEqual([]);
      expect(await history.yaml(A)).toBeUndefined();
      const appended = [
        entry(A, 'meta-server', 'loaded', '2026-01-01T00:00:00.000Z'),
        entry(B, 'alice', 'edit', '2026-01-01T00:00:01.000Z'),
        entry(A, 'bob', 'rollback', '2026-01-01T00:00:02.000Z'),
      ];
      for (const [i, e] of appended.entries()) await history.append(e, `v: ${i}\n`);
      expect(await history.list()).toEqual([...appended].reverse());
    });

    it('orders entries by when they were appended, also when their times are equal or go backwards', async () => {
      await history.append(entry(A, 'a', 'loaded', TIME), 'a: 1\n');
      await history.append(entry(B, 'b', 'edit', TIME), 'b: 1\n');
      await history.append(entry(C, 'c', 'edit', '2025-01-01T00:00:00.000Z'), 'c: 1\n');
      expect((await history.list()).map((e) => e.version)).toEqual([C, B, A]);
    });

    it("keeps each version's YAML; a version appended again keeps the YAML written last", async () => {
      await history.append(entry(A, 'meta-server', 'loaded'), 'a: 1\n');
      await history.append(entry(B, 'alice', 'edit'), 'b: 1\n');
      expect(await history.yaml(A)).toBe('a: 1\n');
      expect(await history.yaml(B)).toBe('b: 1\n');
      expect(await history.yaml(C)).toBeUndefined();
      // The same version with other secrets (a version hashes the masked copy): the latest write wins.
      await history.append(entry(A, 'bob', 'rollback'), 'a: 2\n');
      expect(await history.yaml(A)).toBe('a: 2\n');
      expect(await history.list()).toHaveLength(3);
    });

    if (harness.reopen) {
      const reopen = harness.reopen.bind(harness);
      it('keeps every entry and YAML across a restart, and appends after them', async () => {
        await history.append(entry(A, 'meta-server', 'loaded'), 'a: 1\n');
        await history.append(entry(B, 'alice', 'edit'), 'b: 1\n');
        history = await reopen(history);
        expect((await history.list()).map((e) => [e.version, e.author, e.kind])).toEqual([
          [B, 'alice', 'edit'],
          [A, 'meta-server', 'loaded'],
        ]);
        expect(await history.yaml(A)).toBe('a: 1\n');
        await history.append(entry(C, 'carol', 'edit'), 'c: 1\n');
        expect((await history.list()).map((e) => e.version)).toEqual([C, B, A]);
      });
    }
  });
}
