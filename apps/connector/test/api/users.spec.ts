import { apiCall, waitFor } from '@linker/testing';
import { LocalTopologySource } from '@linker/topology';
import type { Presence } from '@linker/presence';
import { CONNECTOR, DOMAIN, startHarness, type Harness } from '../testing/harness';
import { apiTopology, ELSEWHERE, KEYS, MASTER } from './testing/api-topology';

// GET /api/v1/users/{userId}/presence and POST /api/v1/users/{userId}/disconnect on a connector over memory twins.

describe('server API: users', () => {
  let harness: Harness;
  let failLookups = false;

  beforeEach(async () => {
    failLookups = false;
    const wrapPresence = (presence: Presence): Presence =>
      Object.assign(Object.create(presence) as Presence, {
        lookup: (userId: string) => (failLookups ? Promise.reject(new Error('redis down (test)')) : presence.lookup(userId)),
      });
    harness = await startHarness({ topology: new LocalTopologySource(apiTopology()), wrapPresence });
  });
  afterEach(() => harness.close());

  const presence = (userId: string, key: string = KEYS.ANZ) =>
    apiCall(harness.url, 'GET', `/api/v1/users/${encodeURIComponent(userId)}/presence`, { key });
  const disconnect = (userId: string, key: string = KEYS.ANZ) =>
    apiCall(harness.url, 'POST', `/api/v1/users/${encodeURIComponent(userId)}/disconnect`, { key });

  it('tells whether a user at home here is online, and with how many sockets', async () => {
    expect(await presence('ANZ-5')).toMatchObject({
      status: 200,
      body: { userId: 'ANZ-5', domain: DOMAIN, online: false, sockets: 0, connectors: [] },
    });
    await harness.user('ANZ-5');
    await harness.user('ANZ-5');
    const online = await waitFor('two sockets of ANZ-5 in presence', async () => {
      const answer = await presence('ANZ-5');
      return answer.body.sockets === 2 && answer;
    });
    expect(online.body).toEqual({ userId: 'ANZ-5', domain: DOMAIN, online: true, sockets: 2, connectors: [CONNECTOR] });
  });

  it('answers 421 NOT_HOME_DOMAIN with the home domain and its client URL for a user who lives elsewhere', async () => {
    const answer = await presence('ANZ-1500');
    expect(answer.status).toBe(421);
    expect(answer.body).toEqual({
      code: 'NOT_HOME_DOMAIN',
      message: expect.stringContaining(ELSEWHERE.domain),
      domain: ELSEWHERE.domain,
      url: ELSEWHERE.client,
    });
  });

  it.each([
    ['a user of another app', 'NOKEY-5', 403, 'NOT_ALLOWED'],
    ['a user of no app', 'XYZ-5', 404, 'UNKNOWN_RECIPIENT_APP'],
    ['an id of no shape', 'not a user', 404, 'UNKNOWN_RECIPIENT_APP'],
    ['a user outside every range', 'ANZ-9000', 404, 'UNREACHABLE_DOMAIN'],
  ])('refuses the presence of %s', async (_what, userId, status, code) => {
    expect(await presence(userId)).toMatchObject({ status, body: { code, message: expect.stringMatching(/^userId: /) } });
  });

  it('answers 503 UNAVAILABLE with Retry-After when presence cannot be read', async () => {
    failLookups = true;
    const answer = await presence('ANZ-5');
    expect(answer).toMatchObject({ status: 503, body: { code: 'UNAVAILABLE' }, headers: { 'retry-after': '1' } });
  });

  it('hands a CLOSE_CONNECTION from the master user for the user to the RELIABLE lane', async () => {
    const answer = await disconnect('ANZ-6');
    expect(answer).toMatchObject({ status: 202, body: { id: expect.any(String) } });
    const close = await harness.processor.next('CLOSE_CONNECTION', (e) => e.id === answer.body.id);
    expect(close).toMatchObject({ lane: 'RELIABLE', from: MASTER, data: { userId: 'ANZ-6' } });
    expect(close.origin).toBeUndefined();
  });

  it.each([
    ['a user of another app', 'NOKEY-6', KEYS.ANZ, 403, 'NOT_ALLOWED'],
    ['a user of an app without a master user', 'NOMASTER-6', KEYS.NOMASTER, 403, 'NOT_ALLOWED'],
    ['a user of no app', 'XYZ-6', KEYS.ANZ, 404, 'UNKNOWN_RECIPIENT_APP'],
  ])('refuses to disconnect %s and publishes nothing', async (_what, userId, key, status, code) => {
    const before = harness.faults.intakePublishes;
    expect(await disconnect(userId, key)).toMatchObject({ status, body: { code } });
    expect(harness.faults.intakePublishes).toBe(before);
  });

  it('takes an empty JSON object as the body of a disconnect, and refuses any field', async () => {
    const path = '/api/v1/users/ANZ-6/disconnect';
    expect((await apiCall(harness.url, 'POST', path, { key: KEYS.ANZ, json: {} })).status).toBe(202);
    expect(await apiCall(harness.url, 'POST', path, { key: KEYS.ANZ, json: { now: true } })).toMatchObject({
      status: 400,
      body: { code: 'INVALID_FIELD', message: expect.stringMatching(/^now: /) },
    });
  });
});
