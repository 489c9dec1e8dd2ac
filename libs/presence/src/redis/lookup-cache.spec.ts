import type { SocketAddress } from '@linker/contracts';
import { CLOCK_SAMPLE_MS, liveSockets, LookupCache, type RawRead } from './lookup-cache';

const at = (connector: string, socketId: string): SocketAddress => ({ domain: 'domain-01', connector, socketId });

describe('LookupCache', () => {
  let localNow: number;
  let cache: LookupCache;

  beforeEach(() => {
    localNow = 1_000;
    cache = new LookupCache(3, () => localNow);
    cache.enable();
  });

  /** A reply read at Redis time `redisNow` (the read was sent when `begin` was called: local time `localNow` then). */
  const reply = (users: Record<string, SocketAddress[]>, leases?: Record<string, number>, redisNow = 50_000): RawRead => ({
    redisNow,
    leases: leases && new Map(Object.entries(leases)),
    users: new Map(Object.entries(users)),
  });

  it('keeps what a read returned, and forgets a user or the leases on their invalidation', () => {
    cache.complete(cache.begin(['ANZ-1']), reply({ 'ANZ-1': [at('c1', 's1')] }, { c1: 60_000 }));
    expect(cache.sockets('ANZ-1')).toEqual([at('c1', 's1')]);
    expect(cache.currentLeases()?.get('c1')).toBe(60_000);
    cache.invalidateUser('ANZ-1');
    expect(cache.sockets('ANZ-1')).toBeUndefined();
    cache.invalidateLeases();
    expect(cache.currentLeases()).toBeUndefined();
  });

  it('does not keep the parts of a read that an invalidation overtook while it was in flight', () => {
    const read = cache.begin(['ANZ-1', 'ANZ-2']);
    cache.invalidateUser('ANZ-1');
    cache.invalidateLeases();
    cache.complete(read, reply({ 'ANZ-1': [at('c1', 's1')], 'ANZ-2': [] }, { c1: 60_000 }));
    expect(cache.sockets('ANZ-1')).toBeUndefined();
    expect(cache.sockets('ANZ-2')).toEqual([]);
    expect(cache.currentLeases()).toBeUndefined();
  });

  it('keeps nothing of a read started before a flush, or while inactive, and answers nothing while inactive', () => {
    const read = cache.begin(['ANZ-1']);
    cache.flush();
    cache.complete(read, reply({ 'ANZ-1': [] }, {}));
    expect(cache.sockets('ANZ-1')).toBeUndefined();
    cache.disable();
    cache.complete(cache.begin(['ANZ-1']), reply({ 'ANZ-1': [] }, {}));
    cache.enable();
    expect(cache.size).toBe(0);
    cache.complete(cache.begin(['ANZ-1']), reply({ 'ANZ-1': [] }, {}));
    cache.disable();
    expect(cache.sockets('ANZ-1')).toBeUndefined();
  });

  it('drops the least recently looked up user past its size', () => {
    cache.complete(cache.begin(['A', 'B', 'C']), reply({ A: [], B: [], C: [] }));
    cache.sockets('A');
    cache.complete(cache.begin(['D']), reply({ D: [] }));
    expect(['A', 'B', 'C', 'D'].filter((id) => cache.sockets(id) !== undefined)).toEqual(['A', 'C', 'D']);
  });

  it("estimates Redis's clock from above: Redis time of the read plus the local time since it was sent", () => {
    cache.complete(cache.begin([]), reply({}, { c1: 50_100 }, 50_000)); // sent at local time 1,000
    localNow = 1_099;
    expect(cache.redisNow()).toBe(50_099);
    expect(liveSockets([at('c1', 's1')], cache.currentLeases()!, cache.redisNow())).toEqual([at('c1', 's1')]);
    localNow = 1_100;
    expect(liveSockets([at('c1', 's1')], cache.currentLeases()!, cache.redisNow())).toEqual([]);
    localNow = 1_000 + CLOCK_SAMPLE_MS + 1;
    expect(cache.currentLeases()).toBeUndefined(); // sampled too long ago: read again
  });

  it('counts a socket live only while its connector has a lease ending after now (0 = ended, none = gone)', () => {
    const leases = new Map([
      ['c1', 200],
      ['c2', 0],
    ]);
    expect(liveSockets([at('c1', 's1'), at('c2', 's2'), at('c3', 's3')], leases, 100)).toEqual([at('c1', 's1')]);
  });
});
