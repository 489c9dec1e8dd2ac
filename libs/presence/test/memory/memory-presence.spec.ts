import { presenceContract } from '@linker/testing/contracts/presence.contract';
import { MemoryPresence, MemoryPresenceStore } from '@linker/presence';

describe('MemoryPresence', () => {
  const stores = new Map<string, MemoryPresenceStore>();

  presenceContract('memory', {
    open(prefix, options) {
      let store = stores.get(prefix);
      if (!store) {
        store = new MemoryPresenceStore();
        stores.set(prefix, store);
      }
      return new MemoryPresence({ store, ...options });
    },
    discard(prefix) {
      stores.delete(prefix);
    },
    lose(prefix) {
      stores.get(prefix)?.clear();
    },
  });

  it('measures leases by the clock it is given', async () => {
    let now = 1_000;
    const presence = new MemoryPresence({ clock: { now: () => now } });
    await presence.heartbeat('c1', 100);
    await presence.add('ANZ-1', { domain: 'd', connector: 'c1', socketId: 's1' });
    now = 1_099;
    expect(await presence.lookup('ANZ-1')).toHaveLength(1);
    now = 1_100;
    expect(await presence.lookup('ANZ-1')).toEqual([]);
    expect(await presence.sweep()).toBe(1);
  });

  it('measures the grace and the claims by the clock it is given', async () => {
    let now = 1_000;
    const presence = new MemoryPresence({ clock: { now: () => now }, endedGraceMs: 50 });
    await presence.add('ANZ-1', { domain: 'd', connector: 'c1', socketId: 's1' });
    await presence.removeConnector('c1');
    now = 1_049;
    expect(await presence.claimEnded(100)).toBeUndefined();
    now = 1_050;
    expect(await presence.claimEnded(100)).toEqual({ connector: 'c1', token: '1150' });
    now = 1_149;
    expect(await presence.claimEnded(100)).toBeUndefined();
    now = 1_150;
    const claim = await presence.claimEnded(100);
    expect(claim).toEqual({ connector: 'c1', token: '1250' });

    now = 1_160; // c1 comes back and ends again while claimed: claimable once the claim has run out, not before
    await presence.add('ANZ-1', { domain: 'd', connector: 'c1', socketId: 's2' });
    await presence.removeConnector('c1');
    await presence.releaseEnded(claim ?? { connector: 'c1', token: '' });
    now = 1_250;
    expect(await presence.claimEnded(100)).toBeUndefined();
    now = 1_251;
    expect(await presence.claimEnded(100)).toEqual({ connector: 'c1', token: '1351' });
  });

  it('claims the connector claimable the longest, and drops those that came back from the list', async () => {
    let now = 1_000;
    const store = new MemoryPresenceStore();
    const presence = new MemoryPresence({ store, clock: { now: () => now }, endedGraceMs: 1 });
    for (const connector of ['c3', 'c2', 'c1', 'c0']) {
      await presence.heartbeat(connector, 1_000);
      await presence.removeConnector(connector);
      now += connector === 'c1' ? 0 : 1;
    }
    await presence.heartbeat('c3', 1_000);
    expect([...store.ended.keys()].sort()).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect((await presence.claimEnded(100))?.connector).toBe('c2');
    expect((await presence.claimEnded(100))?.connector).toBe('c0');
    expect((await presence.claimEnded(100))?.connector).toBe('c1');
    expect([...store.ended.keys()].sort()).toEqual(['c0', 'c1', 'c2']);
  });

  it('refuses a grace under 1 ms or fractional', () => {
    expect(() => new MemoryPresence({ endedGraceMs: 0 })).toThrow(/endedGraceMs/);
    expect(() => new MemoryPresence({ endedGraceMs: -1 })).toThrow(/endedGraceMs/);
    expect(() => new MemoryPresence({ endedGraceMs: 1.5 })).toThrow(/endedGraceMs/);
    expect(() => new MemoryPresence({ endedGraceMs: 1 })).not.toThrow();
  });
});
