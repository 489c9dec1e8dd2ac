import { presenceContract } from '@linker/testing/contracts/presence.contract';
import { MemoryPresence, MemoryPresenceStore } from '@linker/presence';

describe('MemoryPresence', () => {
  const stores = new Map<string, MemoryPresenceStore>();

  presenceContract('memory', {
    open(prefix) {
      let store = stores.get(prefix);
      if (!store) {
        store = new MemoryPresenceStore();
        stores.set(prefix, store);
      }
      return new MemoryPresence({ store });
    },
    discard(prefix) {
      stores.delete(prefix);
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
});
