import { CLOSE_CODES, SYSTEM, type Envelope, type ServerFrame } from '@linker/contracts';
import { waitFor } from '@linker/testing';
import type { TestClient } from './socket/testing/test-client';
import { startHarness, type Harness } from './testing/harness';

const codeOf = (frame: { data: unknown }): string => (frame.data as { code: string }).code;
const messagesOf = (h: Harness, from: string): Envelope[] => h.processor.all('MESSAGE').filter((e) => e.from === from);

jest.setTimeout(30_000);

// docs/protocol.md, Client frames and Errors: what an authenticated client may send, and how every refusal looks.
describe('connector ingress', () => {
  let h: Harness;
  afterEach(() => h?.close());

  describe('accepted frames', () => {
    beforeEach(async () => {
      h = await startHarness({ settings: { rateLimit: 10_000, rateBurst: 10_000 } });
    });

    it('publishes a MESSAGE with from = the authenticated user, on the lane its feature names, confirm as asked', async () => {
      const client = await h.user('ANZ-1');
      client.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'reliable' }, reference: 42 });
      client.send({
        type: 'MESSAGE',
        data: { to: 'ANZ-2', content: 'fast' },
        feature: 'FAST',
        reference: 'r2',
        confirmationEnabled: false,
      });
      client.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'blank' }, reference: '  ' });
      await waitFor('3 messages published', () => messagesOf(h, 'ANZ-1').length === 3);
      const auth = h.processor.all('AUTH_CLIENT')[0];
      const [reliable, fast, blank] = ['reliable', 'fast', 'blank'].map((c) =>
        messagesOf(h, 'ANZ-1').find((e) => (e.data as { content: string }).content === c),
      );
      expect(reliable).toMatchObject({
        lane: 'RELIABLE',
        from: 'ANZ-1',
        to: 'ANZ-2',
        data: { content: 'reliable' },
        reference: '42',
        confirm: true,
      });
      expect(reliable?.data).toEqual({ content: 'reliable' }); // the recipient travels in `to`, the data is what the recipient's frame carries
      expect(reliable).toMatchObject({ origin: auth.origin, path: ['domain-t'], hops: 0 });
      expect(reliable?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(fast).toMatchObject({ lane: 'FAST', reference: 'r2', confirm: false });
      expect(blank).toMatchObject({ lane: 'RELIABLE', confirm: false });
    });

    it('publishes one socket’s frames in order', async () => {
      const client = await h.user('ANZ-1');
      for (let i = 0; i < 200; i++) client.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: String(i) } });
      await waitFor('200 messages', () => messagesOf(h, 'ANZ-1').length === 200);
      expect(messagesOf(h, 'ANZ-1').map((e) => (e.data as { content: string }).content)).toEqual(
        Array.from({ length: 200 }, (_, i) => String(i)),
      );
    });

    it('answers PING with PONG and publishes FETCH, CLOSE_CONNECTION and a de-duplicated GROUP_MESSAGE', async () => {
      const client = await h.user('ANZ-1');
      client.send({ type: 'PING' });
      expect(await client.next('PONG')).toEqual({ type: 'PONG', data: {} });
      client.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 3 } });
      client.send({ type: 'CLOSE_CONNECTION', data: { userId: 'ANZ-9' } });
      client.send({ type: 'GROUP_MESSAGE', data: { to: ['ANZ-2', 'ANZ-3', 'ANZ-2'], content: 'g' }, reference: 'g1' });
      expect(await h.processor.next('FETCH_MISSING_MESSAGES_REQUEST')).toMatchObject({ from: 'ANZ-1', data: { count: 3 } });
      expect(await h.processor.next('CLOSE_CONNECTION')).toMatchObject({ from: 'ANZ-1', data: { userId: 'ANZ-9' } });
      expect(await h.processor.next('GROUP_MESSAGE')).toMatchObject({
        from: 'ANZ-1',
        data: { to: ['ANZ-2', 'ANZ-3'], content: 'g' },
        reference: 'g1',
      });
      expect(client.all('INVALID_MESSAGE')).toEqual([]);
    });
  });

  describe('fetches paced to what the socket can take (the rest stays stored)', () => {
    const fetches = (): Envelope[] => h.processor.all('FETCH_MISSING_MESSAGES_REQUEST');

    it('asks for at most half the send queue (frames and bytes), and in ack mode half of LINKER_MAX_UNACKED less what it holds', async () => {
      h = await startHarness({ settings: { sendQueueFrames: 100, sendQueueBytes: 1_048_576, maxUnacked: 40 } });
      const plain = await h.user('ANZ-1');
      plain.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 2_000 } });
      plain.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 7 } });
      await waitFor('2 fetches published', () => fetches().length === 2);
      expect(fetches().map((e) => e.data)).toEqual([
        { count: 50, maxBytes: 524_288 },
        { count: 7, maxBytes: 524_288 },
      ]);

      const acking = await h.user('ANZ-2', { ack: true });
      const held = Array.from({ length: 5 }, (_, i) => h.processor.message('ANZ-9', 'ANZ-2', `held ${i}`));
      for (const envelope of held)
        await h.processor.deliver({ envelope, targets: [{ userId: 'ANZ-2', socketIds: [acking.socketId as string] }] });
      await acking.count('MESSAGE', 5);
      acking.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 2_000 } });
      await waitFor('the ack-mode fetch published', () => fetches().length === 3);
      expect(fetches()[2].data).toMatchObject({ count: 20 - 5 });
    });
  });

  describe('refusals (INVALID_MESSAGE, the socket stays open)', () => {
    let client: TestClient;
    beforeEach(async () => {
      h = await startHarness({ settings: { maxGroupRecipients: 3 } });
      client = await h.user('ANZ-1');
    });

    const refusal = async (frame: object | string, code: string, reference?: string): Promise<string> => {
      const before = client.all('INVALID_MESSAGE').length;
      client.send(frame);
      const [answer] = (await client.count('INVALID_MESSAGE', before + 1)).slice(before);
      expect(codeOf(answer)).toBe(code);
      expect(answer.reference).toBe(reference);
      return (answer.data as { message: string }).message;
    };

    it('MALFORMED_JSON for what is not one JSON object', async () => {
      await refusal('{not json', 'MALFORMED_JSON');
      await refusal('[1,2]', 'MALFORMED_JSON');
      await refusal('"text"', 'MALFORMED_JSON');
    });

    it.each([
      'INTERNAL_MESSAGE',
      'MESSAGE_STATE_CHANGED',
      'USER_CONNECTED',
      'USER_DISCONNECTED',
      'GROUP_CONNECTOR_MESSAGE',
      'DELIVERY_REPORT',
      'NOPE',
    ])('UNKNOWN_TYPE for %s, with no effect', async (type) => {
      await refusal({ type, data: { userId: 'ANZ-2', from: 'ANZ-2' }, reference: 'x' }, 'UNKNOWN_TYPE', 'x');
      expect(h.processor.received.filter((e) => e.type === type && e.from !== SYSTEM)).toEqual([]);
    });

    it('INVALID_FIELD naming the field: a spoofed from (top level or in data), a wrong type, a bad feature', async () => {
      expect(
        await refusal({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x' }, from: 'ANZ-9', reference: 'r' }, 'INVALID_FIELD', 'r'),
      ).toMatch(/^from:/);
      expect(await refusal({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x', from: 'ANZ-9' } }, 'INVALID_FIELD')).toMatch(
        /^data\.from:/,
      );
      expect(await refusal({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 5 } }, 'INVALID_FIELD')).toMatch(/^data\.content:/);
      expect(await refusal({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x' }, feature: 'SLOW' }, 'INVALID_FIELD')).toMatch(
        /^feature:/,
      );
      expect(await refusal({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 0 } }, 'INVALID_FIELD')).toMatch(/^data\.count:/);
      expect(messagesOf(h, 'ANZ-9')).toEqual([]);
      expect(messagesOf(h, 'ANZ-1')).toEqual([]);
    });

    it('TOO_LARGE for a group over the cap after duplicates collapse; nothing is sent', async () => {
      await refusal(
        { type: 'GROUP_MESSAGE', data: { to: ['A-1', 'A-2', 'A-3', 'A-4'], content: 'x' }, reference: 'big' },
        'TOO_LARGE',
        'big',
      );
      client.send({ type: 'GROUP_MESSAGE', data: { to: ['A-1', 'A-2', 'A-3', 'A-3', 'A-1'], content: 'x' }, reference: 'ok' });
      const published = await h.processor.next('GROUP_MESSAGE');
      expect(published).toMatchObject({ reference: 'ok', data: { to: ['A-1', 'A-2', 'A-3'] } });
      expect(h.processor.all('GROUP_MESSAGE')).toHaveLength(1);
    });

    it('UNAVAILABLE with the lane and a retry hint when the lane cannot reach its broker (here nothing reached the processor)', async () => {
      h.faults.failIntake = true;
      client.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x' }, reference: 'lost' });
      const refused = await client.next('INVALID_MESSAGE', (f) => f.reference === 'lost');
      expect(refused.data).toMatchObject({ code: 'UNAVAILABLE', lane: 'RELIABLE', retryAfterMs: 2000 });
      h.faults.failIntake = false;
      client.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'y' }, reference: 'kept' });
      await h.processor.next('MESSAGE', (e) => e.reference === 'kept');
      expect(messagesOf(h, 'ANZ-1').map((e) => e.reference)).toEqual(['kept']);
    });

    it('keeps the socket open after refusals', async () => {
      await refusal('{', 'MALFORMED_JSON');
      client.send({ type: 'PING', data: {} });
      await client.next('PONG');
      expect(client.closeInfo).toBeUndefined();
    });
  });

  describe('overload (OVERLOADED, retriable; the socket stays open)', () => {
    const message = (reference: string, feature?: 'FAST') => ({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x' }, reference, feature });
    const overloaded = (client: TestClient) => client.all('INVALID_MESSAGE', (f) => codeOf(f) === 'OVERLOADED');

    it('refuses frames for a lane while too many wait for it, says when to retry, and accepts again once it caught up', async () => {
      h = await startHarness({ settings: { maxPendingPublishes: 4, maxInvalidFrames: 2 } });
      const client = await h.user('ANZ-1');
      h.faults.holdIntake = true; // the broker stops answering
      for (let i = 0; i < 6; i++) client.send(message(`m${i}`));
      const refused = await client.count('INVALID_MESSAGE', 2);
      expect(refused.map((f) => [codeOf(f), f.reference, (f.data as { retryAfterMs: number }).retryAfterMs])).toEqual([
        ['OVERLOADED', 'm4', 1_000],
        ['OVERLOADED', 'm5', 1_000],
      ]);
      client.send(message('f0', 'FAST')); // the other lane is not backed up
      client.send({ type: 'PING' });
      await client.next('PONG');
      expect(client.all('INVALID_MESSAGE')).toHaveLength(2);
      expect(h.connector.health().pendingPublishes).toBe(5);
      expect(client.closeInfo).toBeUndefined(); // OVERLOADED is not an invalid frame (maxInvalidFrames: 2)

      h.faults.holdIntake = false;
      h.releaseIntake();
      await waitFor('the held frames published', () => messagesOf(h, 'ANZ-1').length === 5);
      expect(
        messagesOf(h, 'ANZ-1')
          .map((e) => e.reference)
          .sort(),
      ).toEqual(['f0', 'm0', 'm1', 'm2', 'm3']);
      client.send(message('m6'));
      await h.processor.next('MESSAGE', (e) => e.reference === 'm6');
      expect(h.connector.health().pendingPublishes).toBe(0);
      expect(client.all('INVALID_MESSAGE')).toHaveLength(2);
    });

    it('never calls a client that keeps to the rate an abuser, however long the overload lasts', async () => {
      let now = 1_700_000_000_000;
      // The abuse meter at its most sensitive: the first frame refused for the rate would close the socket.
      h = await startHarness({
        settings: { maxPendingPublishes: 1, rateLimit: 50, rateBurst: 100, rateAbuseFactor: 1, rateAbuseWindowMs: 1_000 },
        clock: { now: () => now },
      });
      const client = await h.user('ANZ-1');
      const answers = new Map<string, ServerFrame>();
      client.onFrame((frame) => frame.reference !== undefined && answers.set(frame.reference, frame));
      h.faults.holdIntake = true;
      client.send(message('first'));
      await waitFor('the first frame to wait for the lane', () => h.faults.held.length === 1);
      for (let i = 0; i < 200; i++) {
        now += 50; // 20 frames a second for 10 s (on the connector's clock), each sent once the previous one was answered
        client.send(message(`m${i}`));
        const answer = await waitFor(`the answer to m${i}`, () => answers.get(`m${i}`), { intervalMs: 1 });
        expect(codeOf(answer)).toBe('OVERLOADED');
      }
      expect(overloaded(client)).toHaveLength(200);
      expect(client.closeInfo).toBeUndefined();
      h.faults.holdIntake = false;
      h.releaseIntake();
      await h.processor.next('MESSAGE', (e) => e.reference === 'first');
      client.send(message('after'));
      await h.processor.next('MESSAGE', (e) => e.reference === 'after');
    });
  });

  describe('abuse', () => {
    it('RATE_LIMITED beyond the burst (frame dropped, socket open), then 4004 when it goes on', async () => {
      // Time stands still, so no token is refilled however slowly the flood goes out: the counts are exact.
      const frozen = { now: () => 1_700_000_000_000 };
      h = await startHarness({ settings: { rateLimit: 50, rateBurst: 100, rateAbuseFactor: 3, rateAbuseWindowMs: 5_000 }, clock: frozen });
      const client = await h.user('ANZ-1');
      const frame = (i: number) => JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x' }, reference: `m${i}` });
      await client.flood(Array.from({ length: 300 }, (_, i) => frame(i)));
      // The burst is 100 frames and AUTH_CLIENT spent one of them: m0..m98 pass, m99..m299 are refused.
      const limited = await client.count('INVALID_MESSAGE', 201);
      expect(limited.every((f) => codeOf(f) === 'RATE_LIMITED')).toBe(true);
      expect(limited[0].reference).toBe('m99');
      await waitFor('the accepted frames', () => messagesOf(h, 'ANZ-1').length >= 99);
      expect(messagesOf(h, 'ANZ-1').length).toBe(99);
      expect(client.closeInfo).toBeUndefined();

      await client.flood(Array.from({ length: 600 }, (_, i) => frame(300 + i)));
      expect(await client.closed()).toEqual({ code: 4004, reason: CLOSE_CODES.RATE_LIMITED.reason });
      await h.processor.next('USER_DISCONNECTED');
    });

    it("one user's sockets share its limit, and a new socket brings no new burst", async () => {
      const frozen = { now: () => 1_700_000_000_000 };
      h = await startHarness({ settings: { rateLimit: 50, rateBurst: 100, userRateLimit: 10, userRateBurst: 30 }, clock: frozen });
      const [a, b] = [await h.user('ANZ-1'), await h.user('ANZ-1')];
      const frames = (socket: string, n: number) =>
        Array.from({ length: n }, (_, i) =>
          JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x' }, reference: `${socket}${i}` }),
        );
      await a.flood(frames('a', 20));
      await waitFor("a's 20 frames accepted", () => messagesOf(h, 'ANZ-1').length >= 20);
      await b.flood(frames('b', 20));
      const limited = await b.count('INVALID_MESSAGE', 10);
      expect(limited.map((f) => [codeOf(f), f.reference])).toEqual(Array.from({ length: 10 }, (_, i) => ['RATE_LIMITED', `b${10 + i}`]));
      expect((limited[0].data as { message: string }).message).toMatch(/from this user/);
      await waitFor('the 30 accepted frames', () => messagesOf(h, 'ANZ-1').length >= 30);
      expect(a.all('INVALID_MESSAGE')).toEqual([]);

      a.close();
      const c = await h.user('ANZ-1');
      await c.flood(frames('c', 3));
      expect((await c.count('INVALID_MESSAGE', 3)).map((f) => codeOf(f))).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
      expect(messagesOf(h, 'ANZ-1')).toHaveLength(30);
    });

    it('a GROUP_MESSAGE pays for its recipients: one token per LINKER_GROUP_RECIPIENTS_PER_TOKEN of them, started', async () => {
      const frozen = { now: () => 1_700_000_000_000 };
      h = await startHarness({ settings: { rateBurst: 25, groupRecipientsPerToken: 10, maxGroupRecipients: 100 }, clock: frozen });
      const client = await h.user('ANZ-1');
      const to = Array.from({ length: 95 }, (_, i) => `ANZ-${100 + i}`);
      // 24 tokens after AUTH_CLIENT: two groups of 95 (10 tokens each) pass; the third frame finds 3 tokens, not 10.
      for (const reference of ['g1', 'g2', 'g3']) client.send({ type: 'GROUP_MESSAGE', data: { to, content: 'x' }, reference });
      const refused = await client.next('INVALID_MESSAGE');
      expect([codeOf(refused), refused.reference]).toEqual(['RATE_LIMITED', 'g3']);
      expect((refused.data as { message: string }).message).toMatch(/group recipients/);
      await waitFor('2 groups published', () => h.processor.all('GROUP_MESSAGE').length === 2);
      client.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'one token' } });
      await waitFor('the message the 3 tokens left still allow', () => messagesOf(h, 'ANZ-1').length === 1);
    });

    it('closes with 4007 after too many invalid frames in a row; valid frames reset the count', async () => {
      h = await startHarness({ settings: { maxInvalidFrames: 3 } });
      const client = await h.user('ANZ-1');
      client.send('x');
      client.send('x');
      client.send({ type: 'PING', data: {} });
      await client.next('PONG');
      client.send('x');
      client.send('x');
      await client.count('INVALID_MESSAGE', 4);
      expect(client.closeInfo).toBeUndefined();
      client.send('x');
      expect(await client.closed()).toEqual({ code: 4007, reason: CLOSE_CODES.PROTOCOL_ABUSE.reason });
    });
  });
});
