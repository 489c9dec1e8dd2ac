import { CLOSE_CODES, SYSTEM, type Envelope } from '@linker/contracts';
import { waitFor } from '@linker/testing';
import type { TestClient } from '../src/socket/testing/test-client';
import { startHarness, type Harness } from './testing/harness';

const codeOf = (frame: { data: unknown }): string => (frame.data as { code: string }).code;
const messagesOf = (h: Harness, from: string): Envelope[] => h.processor.all('MESSAGE').filter((e) => e.from === from);

jest.setTimeout(30_000);

// SPEC §2.3-2.5: what an authenticated client may send, and how every refusal looks.
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
      client.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'fast' }, feature: 'FAST', reference: 'r2', confirmationEnabled: false });
      client.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'blank' }, reference: '  ' });
      await waitFor('3 messages published', () => messagesOf(h, 'ANZ-1').length === 3);
      const auth = h.processor.all('AUTH_CLIENT')[0];
      const [reliable, fast, blank] = ['reliable', 'fast', 'blank'].map((c) => messagesOf(h, 'ANZ-1').find((e) => (e.data as { content: string }).content === c));
      expect(reliable).toMatchObject({ lane: 'RELIABLE', from: 'ANZ-1', to: 'ANZ-2', data: { to: 'ANZ-2', content: 'reliable' }, reference: '42', confirm: true });
      expect(reliable).toMatchObject({ origin: auth.origin, path: ['domain-t'], hops: 0 });
      expect(reliable?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(fast).toMatchObject({ lane: 'FAST', reference: 'r2', confirm: false });
      expect(blank).toMatchObject({ lane: 'RELIABLE', confirm: false });
    });

    it('publishes one socket’s frames in order', async () => {
      const client = await h.user('ANZ-1');
      for (let i = 0; i < 200; i++) client.send({ type: 'MESSAGE', data: { to: 'ANZ-2', content: String(i) } });
      await waitFor('200 messages', () => messagesOf(h, 'ANZ-1').length === 200);
      expect(messagesOf(h, 'ANZ-1').map((e) => (e.data as { content: string }).content)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
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
      expect(await h.processor.next('GROUP_MESSAGE')).toMatchObject({ from: 'ANZ-1', data: { to: ['ANZ-2', 'ANZ-3'], content: 'g' }, reference: 'g1' });
      expect(client.all('INVALID_MESSAGE')).toEqual([]);
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

    it.each(['INTERNAL_MESSAGE', 'MESSAGE_STATE_CHANGED', 'USER_CONNECTED', 'USER_DISCONNECTED', 'GROUP_CONNECTOR_MESSAGE', 'DELIVERY_REPORT', 'NOPE'])(
      'UNKNOWN_TYPE for %s, with no effect',
      async (type) => {
        await refusal({ type, data: { userId: 'ANZ-2', from: 'ANZ-2' }, reference: 'x' }, 'UNKNOWN_TYPE', 'x');
        expect(h.processor.received.filter((e) => e.type === type && e.from !== SYSTEM)).toEqual([]);
      },
    );

    it('INVALID_FIELD naming the field: a spoofed from (top level or in data), a wrong type, a bad feature', async () => {
      expect(await refusal({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x' }, from: 'ANZ-9', reference: 'r' }, 'INVALID_FIELD', 'r')).toMatch(/^from:/);
      expect(await refusal({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x', from: 'ANZ-9' } }, 'INVALID_FIELD')).toMatch(/^data\.from:/);
      expect(await refusal({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 5 } }, 'INVALID_FIELD')).toMatch(/^data\.content:/);
      expect(await refusal({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x' }, feature: 'SLOW' }, 'INVALID_FIELD')).toMatch(/^feature:/);
      expect(await refusal({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 0 } }, 'INVALID_FIELD')).toMatch(/^data\.count:/);
      expect(messagesOf(h, 'ANZ-9')).toEqual([]);
      expect(messagesOf(h, 'ANZ-1')).toEqual([]);
    });

    it('TOO_LARGE for a group over the cap after duplicates collapse; nothing is sent', async () => {
      await refusal({ type: 'GROUP_MESSAGE', data: { to: ['A-1', 'A-2', 'A-3', 'A-4'], content: 'x' }, reference: 'big' }, 'TOO_LARGE', 'big');
      client.send({ type: 'GROUP_MESSAGE', data: { to: ['A-1', 'A-2', 'A-3', 'A-3', 'A-1'], content: 'x' }, reference: 'ok' });
      const published = await h.processor.next('GROUP_MESSAGE');
      expect(published).toMatchObject({ reference: 'ok', data: { to: ['A-1', 'A-2', 'A-3'] } });
      expect(h.processor.all('GROUP_MESSAGE')).toHaveLength(1);
    });

    it('INTERNAL_ERROR when the lane rejects the publish: nothing was sent', async () => {
      h.faults.failIntake = true;
      await refusal({ type: 'MESSAGE', data: { to: 'ANZ-2', content: 'x' }, reference: 'lost' }, 'INTERNAL_ERROR', 'lost');
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
