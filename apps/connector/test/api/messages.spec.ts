import { apiCall, waitFor } from '@linker/testing';
import { LocalTopologySource } from '@linker/topology';
import { startHarness, type Harness } from '../testing/harness';
import { apiTopology, KEYS, MASTER } from './testing/api-topology';

// POST /api/v1/messages on a connector over memory twins: what reaches the lane, and what is refused before it.

describe('server API: POST /api/v1/messages', () => {
  let harness: Harness;
  const post = (json: unknown, key: string = KEYS.ANZ) => apiCall(harness.url, 'POST', '/api/v1/messages', { key, json });

  beforeEach(async () => {
    harness = await startHarness({ topology: new LocalTopologySource(apiTopology()), settings: { maxGroupRecipients: 300 } });
  });
  afterEach(() => harness.close());

  it('hands one MESSAGE from the master user to the lane, without origin or confirmation, and answers 202 with its id', async () => {
    const answer = await post({ to: 'ANZ-7', content: 'hello', reference: 'r-1' });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ ids: [expect.any(String)] });
    const message = await harness.processor.next('MESSAGE', (e) => e.to === 'ANZ-7');
    expect(message).toMatchObject({ id: answer.body.ids[0], lane: 'RELIABLE', from: MASTER, data: { content: 'hello' }, reference: 'r-1' });
    expect(message.confirm).toBe(false);
    expect(message.origin).toBeUndefined();
  });

  it('sends to a list in one publish: one envelope per distinct recipient, ids in the order of `to`, on the lane asked for', async () => {
    const before = harness.faults.intakePublishes;
    const answer = await post({ to: ['ANZ-3', 'ANZ-2', 'ANZ-3', 'ANZ-1500'], content: 'all', lane: 'FAST', from: 'ANZ-9' });
    expect(answer.status).toBe(202);
    expect(harness.faults.intakePublishes).toBe(before + 1);
    expect(answer.body.ids).toHaveLength(3);
    for (const [i, to] of ['ANZ-3', 'ANZ-2', 'ANZ-1500'].entries()) {
      const message = await harness.processor.next('MESSAGE', (e) => e.to === to);
      expect(message).toMatchObject({ id: answer.body.ids[i], lane: 'FAST', from: 'ANZ-9' });
    }
  });

  it('with `id`, a retry is the same message for each recipient; without, each request is a new one', async () => {
    const first = await post({ to: ['ANZ-2', 'ANZ-3'], content: 'once', id: 'order-17' });
    const retry = await post({ to: ['ANZ-2', 'ANZ-3'], content: 'once', id: 'order-17' });
    expect(retry.body).toEqual(first.body);
    expect(new Set(first.body.ids).size).toBe(2);
    const plain = [await post({ to: 'ANZ-2', content: 'x' }), await post({ to: 'ANZ-2', content: 'x' })];
    expect(plain[0].body.ids[0]).not.toBe(plain[1].body.ids[0]);
  });

  it.each([
    ['a `from` of another app', { to: 'ANZ-2', content: 'x', from: 'NOKEY-2' }, 400, 'INVALID_FIELD', /^from: /],
    ['an unknown field', { to: 'ANZ-2', content: 'x', urgent: true }, 400, 'INVALID_FIELD', /^urgent: /],
    ['a content that is not text', { to: 'ANZ-2', content: 5 }, 400, 'INVALID_FIELD', /^content: /],
    ['an empty list', { to: [], content: 'x' }, 400, 'INVALID_FIELD', /^to: /],
    ['an unknown lane', { to: 'ANZ-2', content: 'x', lane: 'SLOW' }, 400, 'INVALID_FIELD', /^lane: /],
    ['a recipient of no app', { to: ['ANZ-2', 'XYZ-1'], content: 'x' }, 404, 'UNKNOWN_RECIPIENT_APP', /^to\[1\]: /],
    ['a recipient id of no shape', { to: 'nobody', content: 'x' }, 404, 'UNKNOWN_RECIPIENT_APP', /^to: /],
    ['a recipient outside every range', { to: ['ANZ-2', 'ANZ-5000'], content: 'x' }, 404, 'UNREACHABLE_DOMAIN', /^to\[1\]: /],
    ['more recipients than allowed', { to: Array.from({ length: 301 }, (_, i) => `ANZ-${i}`), content: 'x' }, 413, 'TOO_LARGE', /^to: 301/],
    ['a content over LINKER_MAX_FRAME_BYTES', { to: 'ANZ-2', content: 'é'.repeat(40_000) }, 413, 'TOO_LARGE', /^content: 80000 bytes/],
  ])('refuses %s and publishes nothing', async (_what, json, status, code, message) => {
    const before = harness.faults.intakePublishes;
    const answer = await post(json);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ code, message: expect.stringMatching(message) });
    expect(harness.faults.intakePublishes).toBe(before);
  });

  it('refuses a message without `from` for an app without a master user, naming `from`', async () => {
    const answer = await post({ to: 'ANZ-2', content: 'x' }, KEYS.NOMASTER);
    expect(answer).toMatchObject({
      status: 400,
      body: { code: 'INVALID_FIELD', message: expect.stringMatching(/^from: .*no masterUserId/) },
    });
    expect((await post({ to: 'ANZ-2', content: 'x', from: 'NOMASTER-4' }, KEYS.NOMASTER)).status).toBe(202);
  });

  it('answers 503 UNAVAILABLE with Retry-After when the lane is out of reach', async () => {
    harness.faults.failIntake = true;
    const answer = await post({ to: 'ANZ-2', content: 'x' });
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.body).toEqual({ code: 'UNAVAILABLE', message: expect.stringContaining('RELIABLE lane is unavailable') });
  });

  it('answers 503 OVERLOADED with Retry-After, before publishing, while the lane backlog is over its limit', async () => {
    await harness.close();
    harness = await startHarness({ topology: new LocalTopologySource(apiTopology()), settings: { maxPendingPublishes: 1 } });
    harness.faults.holdIntake = true;
    const held = post({ to: 'ANZ-2', content: 'held' });
    await waitFor('the first publish to be held', () => harness.faults.held.length === 1);
    const before = harness.faults.intakePublishes;
    const answer = await post({ to: 'ANZ-2', content: 'refused' });
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.body.code).toBe('OVERLOADED');
    expect(harness.faults.intakePublishes).toBe(before);
    harness.releaseIntake();
    expect((await held).status).toBe(202);
  });
});
