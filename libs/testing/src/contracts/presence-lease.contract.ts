import type { PresenceEntry } from '@linker/presence';
import { waitFor } from '../wait-for';
import { at, ids, type OpenClient } from './presence-kit';

/** Make the current test's store lose everything it holds, its clients staying open. */
type LoseStore = () => Promise<void>;

const SHORT_TTL_MS = 300;
const LONG_TTL_MS = 60_000;
const CLAIM_MS = 1_000;
const WAIT = { timeoutMs: 10_000, intervalMs: 20 };
const SLOW_TEST_MS = 20_000;

/**
 * The presence contract on what `heartbeat` tells a connector (its lease kept alive, or taken anew and its entries
 * maybe gone), on `addMany`, and on a store that loses everything (a Redis restarted without persistence).
 */
export function leaseCases(client: OpenClient, lose: LoseStore): void {
  it(
    'tells from heartbeat whether heartbeats kept the lease alive, or it was taken anew',
    async () => {
      const [presence, other] = [await client(), await client()];
      expect(await presence.heartbeat('c1', LONG_TTL_MS)).toBe('recreated'); // never taken
      expect(await presence.heartbeat('c1', LONG_TTL_MS)).toBe('renewed');
      expect(await other.heartbeat('c1', LONG_TTL_MS)).toBe('renewed'); // the store decides, not the client
      await other.removeConnector('c1');
      expect(await presence.heartbeat('c1', SHORT_TTL_MS)).toBe('recreated'); // ended
      await presence.add('ANZ-1', at('c1', 's1'));
      await waitFor('the lease of c1 to expire', async () => (await presence.lookup('ANZ-1')).length === 0, WAIT);
      expect(await presence.heartbeat('c1', LONG_TTL_MS)).toBe('recreated'); // expired (swept or not)

      await presence.add('ANZ-2', at('c2', 's2')); // a lease given by add, never kept by a heartbeat
      expect(await presence.heartbeat('c2', LONG_TTL_MS)).toBe('recreated');
      expect(await presence.heartbeat('c2', LONG_TTL_MS)).toBe('renewed');
    },
    SLOW_TEST_MS,
  );

  it('registers many sockets at once with addMany, as add does each', async () => {
    const [presence, reader] = [await client(), await client()];
    const entries: PresenceEntry[] = [
      { userId: 'ANZ-1', address: at('c1', 's1') },
      { userId: 'ANZ-1', address: at('c2', 's2') },
      { userId: 'ANZ-2', address: at('c1', 's3') },
      ...Array.from({ length: 300 }, (_, i) => ({ userId: `ANZ-${100 + i}`, address: at('c1', `m${i}`) })),
    ];
    await presence.addMany(entries);
    await presence.addMany(entries.slice(0, 2)); // idempotent
    await presence.addMany([]);
    const found = await reader.lookupMany(['ANZ-1', 'ANZ-2', 'ANZ-100', 'ANZ-399']);
    expect(ids(found.get('ANZ-1'))).toEqual(['c1/s1', 'c2/s2']);
    expect(ids(found.get('ANZ-2'))).toEqual(['c1/s3']);
    expect(ids(found.get('ANZ-100'))).toEqual(['c1/m0']);
    expect(ids(found.get('ANZ-399'))).toEqual(['c1/m299']);
    await reader.removeConnector('c1'); // addMany listed what it added under each connector, for its end
    expect(ids(await presence.lookup('ANZ-1'))).toEqual(['c2/s2']);
  });

  it('after the store lost everything: every lookup empty, nothing ended, and the next heartbeat says recreated even after an add', async () => {
    const [connector, processor] = [await client({ endedGraceMs: 1 }), await client({ endedGraceMs: 1 })];
    const before: PresenceEntry[] = [
      { userId: 'ANZ-1', address: at('c1', 's1') },
      { userId: 'ANZ-2', address: at('c1', 's2') },
    ];
    await connector.heartbeat('c1', LONG_TTL_MS);
    await connector.addMany(before);
    expect(await connector.heartbeat('c1', LONG_TTL_MS)).toBe('renewed');

    await lose();
    expect(await processor.lookup('ANZ-1')).toEqual([]);
    expect(await processor.sweep()).toBe(0);
    await connector.add('ANZ-3', at('c1', 's3')); // a socket that authenticates before the next heartbeat
    expect(await connector.heartbeat('c1', LONG_TTL_MS)).toBe('recreated');
    await connector.addMany(before);
    const found = await processor.lookupMany(['ANZ-1', 'ANZ-2', 'ANZ-3']);
    expect([...found.values()].map(ids)).toEqual([['c1/s1'], ['c1/s2'], ['c1/s3']]);
    expect(await processor.sweep()).toBe(0);
    expect(await processor.claimEnded(CLAIM_MS)).toBeUndefined(); // the live connector is never taken for ended
    expect(await connector.heartbeat('c1', LONG_TTL_MS)).toBe('renewed');
  });
}
