import { waitFor } from '../wait-for';
import { at, type OpenClient } from './presence-kit';

const SHORT_TTL_MS = 300;
const LONG_TTL_MS = 60_000;
/** Long enough that the few round trips of a test step never outlast it, short enough to wait out. */
const GRACE_MS = 500;
const CLAIM_MS = 400;
/** The shortest grace (1 ms), for tests about claims rather than the grace: waited out with `waitFor`. */
const TINY_GRACE_MS = 1;
const WAIT = { timeoutMs: 10_000, intervalMs: 20 };
const SLOW_TEST_MS = 20_000;

/**
 * The presence contract on ended connectors (`sweep`, `claimEnded`, `releaseEnded`): when they become claimable,
 * that a claim is exclusive until it runs out or is released, and which connectors are never claimable.
 */
export function endedConnectorCases(client: OpenClient): void {
  it(
    'lists a connector whose lease expired once a sweep forgot it, claimable only after the grace',
    async () => {
      const presence = await client({ endedGraceMs: GRACE_MS });
      expect(await presence.claimEnded(CLAIM_MS)).toBeUndefined();
      await presence.heartbeat('c-dead', SHORT_TTL_MS);
      await presence.heartbeat('c-live', LONG_TTL_MS);
      await presence.add('ANZ-1', at('c-dead', 's1'));
      await presence.add('ANZ-1', at('c-live', 's2'));
      await waitFor('the lease of c-dead to expire', async () => (await presence.lookup('ANZ-1')).length === 1, WAIT);
      expect(await presence.claimEnded(CLAIM_MS)).toBeUndefined(); // expired, but no sweep has forgotten it yet

      const sweptFrom = Date.now();
      expect(await presence.sweep()).toBe(1);
      expect(await presence.claimEnded(CLAIM_MS)).toBeUndefined(); // within the grace
      const claim = await waitFor('c-dead to become claimable', () => presence.claimEnded(CLAIM_MS), WAIT);
      expect(Date.now() - sweptFrom).toBeGreaterThanOrEqual(GRACE_MS);
      expect(claim.connector).toBe('c-dead');
      expect(typeof claim.token).toBe('string');
      expect(await presence.claimEnded(CLAIM_MS)).toBeUndefined(); // c-dead is claimed; c-live is alive
    },
    SLOW_TEST_MS,
  );

  it(
    'lists a connector ended by removeConnector, claimable after the grace',
    async () => {
      const [one, other] = [await client({ endedGraceMs: GRACE_MS }), await client({ endedGraceMs: GRACE_MS })];
      await one.heartbeat('c1', LONG_TTL_MS);
      await one.add('ANZ-1', at('c1', 's1'));
      await one.add('ANZ-2', at('c2', 's2'));
      const removedFrom = Date.now();
      await other.removeConnector('c1');
      expect(await one.claimEnded(CLAIM_MS)).toBeUndefined(); // within the grace
      const claim = await waitFor('c1 to become claimable', () => one.claimEnded(CLAIM_MS), WAIT);
      expect(Date.now() - removedFrom).toBeGreaterThanOrEqual(GRACE_MS);
      expect(claim.connector).toBe('c1');
      expect(await other.claimEnded(CLAIM_MS)).toBeUndefined(); // c2 is alive
    },
    SLOW_TEST_MS,
  );

  it(
    'gives a claim to one caller until it runs out, then to another',
    async () => {
      const [a, b] = [await client({ endedGraceMs: TINY_GRACE_MS }), await client({ endedGraceMs: TINY_GRACE_MS })];
      await a.add('ANZ-1', at('c1', 's1'));
      await a.removeConnector('c1');
      const claimedFrom = Date.now();
      const first = await waitFor('c1 to become claimable', () => a.claimEnded(CLAIM_MS), WAIT);
      expect(first.connector).toBe('c1');
      expect(await b.claimEnded(CLAIM_MS)).toBeUndefined();
      expect(await a.claimEnded(CLAIM_MS)).toBeUndefined();

      const second = await waitFor('the first claim to run out', () => b.claimEnded(CLAIM_MS), WAIT);
      expect(Date.now() - claimedFrom).toBeGreaterThanOrEqual(CLAIM_MS);
      expect(second.connector).toBe('c1');
      expect(second.token).not.toBe(first.token);
      expect(await a.claimEnded(CLAIM_MS)).toBeUndefined();
      await a.releaseEnded(first); // too late: b's claim stands, and c1 stays listed
      const third = await waitFor('the second claim to run out', () => a.claimEnded(CLAIM_MS), WAIT);
      expect(third.connector).toBe('c1');
    },
    SLOW_TEST_MS,
  );

  it(
    'forgets a released connector for good, and releasing again changes nothing',
    async () => {
      const presence = await client({ endedGraceMs: TINY_GRACE_MS });
      await presence.add('ANZ-1', at('c1', 's1'));
      await presence.add('ANZ-2', at('c2', 's2'));
      await presence.removeConnector('c1');
      await presence.removeConnector('c2');
      const first = await waitFor('an ended connector to become claimable', () => presence.claimEnded(CLAIM_MS), WAIT);
      const second = await waitFor('the other to become claimable', () => presence.claimEnded(CLAIM_MS), WAIT);
      expect([first.connector, second.connector].sort()).toEqual(['c1', 'c2']);
      await presence.releaseEnded(first);
      await presence.releaseEnded(first);
      // The first claim ran out no later than the second: once the second is claimable again, so would the first be.
      const again = await waitFor(`the claim on ${second.connector} to run out`, () => presence.claimEnded(CLAIM_MS), WAIT);
      expect(again.connector).toBe(second.connector);
      expect(await presence.claimEnded(CLAIM_MS)).toBeUndefined();
    },
    SLOW_TEST_MS,
  );

  it(
    'keeps listed a connector that ended again after its claim, released with the stale token',
    async () => {
      const presence = await client({ endedGraceMs: TINY_GRACE_MS });
      await presence.add('ANZ-1', at('c1', 's1'));
      await presence.removeConnector('c1');
      const first = await waitFor('c1 to become claimable', () => presence.claimEnded(CLAIM_MS), WAIT);
      await presence.add('ANZ-1', at('c1', 's2')); // it came back
      await presence.removeConnector('c1'); // and ended again, while claimed
      expect(await presence.claimEnded(CLAIM_MS)).toBeUndefined(); // the claim still stands
      await presence.releaseEnded(first); // the drain of its first end is done, not that of its second

      const second = await waitFor('c1 to become claimable again', () => presence.claimEnded(CLAIM_MS), WAIT);
      expect(second.connector).toBe('c1');
      expect(second.token).not.toBe(first.token);
      await presence.releaseEnded(second);
      expect(await presence.claimEnded(CLAIM_MS)).toBeUndefined();
    },
    SLOW_TEST_MS,
  );

  it(
    'never returns a listed connector that came back (by add or heartbeat), and lists it anew when it ends',
    async () => {
      const presence = await client({ endedGraceMs: TINY_GRACE_MS });
      await presence.add('ANZ-1', at('c-add', 's1'));
      await presence.heartbeat('c-beat', LONG_TTL_MS);
      await presence.heartbeat('c-marker', LONG_TTL_MS);
      await presence.removeConnector('c-add');
      await presence.removeConnector('c-beat');
      await presence.add('ANZ-1', at('c-add', 's2'));
      await presence.heartbeat('c-beat', LONG_TTL_MS);
      await presence.removeConnector('c-marker'); // listed after the others: once it is claimable, so would they be
      const marker = await waitFor('c-marker to become claimable', () => presence.claimEnded(CLAIM_MS), WAIT);
      expect(marker.connector).toBe('c-marker');
      expect(await presence.claimEnded(CLAIM_MS)).toBeUndefined();

      await presence.removeConnector('c-beat');
      const beat = await waitFor('c-beat, ended anew, to become claimable', () => presence.claimEnded(CLAIM_MS), WAIT);
      expect(beat.connector).toBe('c-beat');
      expect(await presence.claimEnded(CLAIM_MS)).toBeUndefined();
      expect(await presence.lookup('ANZ-1')).toEqual([at('c-add', 's2')]);
    },
    SLOW_TEST_MS,
  );

  it(
    'never lists a connector whose lease is alive, even one renewed after it lapsed and before a sweep',
    async () => {
      const presence = await client({ endedGraceMs: TINY_GRACE_MS });
      await presence.heartbeat('c-live', LONG_TTL_MS);
      await presence.add('ANZ-1', at('c-live', 's1'));
      await presence.remove('ANZ-1', at('c-live', 's1')); // alive with no socket
      await presence.heartbeat('c-lapsed', SHORT_TTL_MS);
      await presence.add('ANZ-2', at('c-lapsed', 's2'));
      await waitFor('the lease of c-lapsed to expire', async () => (await presence.lookup('ANZ-2')).length === 0, WAIT);
      await presence.heartbeat('c-lapsed', LONG_TTL_MS);
      expect(await presence.sweep()).toBe(0);
      expect(await presence.claimEnded(CLAIM_MS)).toBeUndefined();
      expect(await presence.lookup('ANZ-2')).toEqual([at('c-lapsed', 's2')]);
    },
    SLOW_TEST_MS,
  );

  it('refuses a claim that would not last', async () => {
    const presence = await client();
    await expect(presence.claimEnded(0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(presence.claimEnded(1.5)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
}
