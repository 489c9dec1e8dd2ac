import { createHmac } from 'node:crypto';
import { verifyAuthRequest, verifyWebhook } from './verify-webhook';

// verifyWebhook against signatures made the documented way (docs/protocol.md, Webhooks) with Node's own HMAC.

const SECRET = 'a-webhook-signing-secret-of-32-characters-or-more';
const BODY = JSON.stringify({
  events: [
    {
      id: 'm1.stored.ANZ-2',
      type: 'message.stored',
      app: 'ANZ',
      domain: 'd',
      at: 1,
      data: { messageId: 'm1', to: 'ANZ-2', from: 'ANZ-1' },
    },
  ],
});
const NOW = 1_800_000_000_000;
const T = NOW / 1000;

function header(t: number, body = BODY, secret = SECRET): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

describe('verifyWebhook', () => {
  it('accepts a genuine request and returns its events', async () => {
    const result = await verifyWebhook(SECRET, header(T), BODY, { now: NOW });
    expect(result).toEqual({ ok: true, batch: JSON.parse(BODY) });
  });

  it('accepts a t within 5 minutes either way, refuses one beyond', async () => {
    expect((await verifyWebhook(SECRET, header(T - 300), BODY, { now: NOW })).ok).toBe(true);
    expect(await verifyWebhook(SECRET, header(T - 301), BODY, { now: NOW })).toEqual({ ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect(await verifyWebhook(SECRET, header(T + 301), BODY, { now: NOW })).toEqual({ ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    expect((await verifyWebhook(SECRET, header(T - 3600), BODY, { now: NOW, toleranceSeconds: 3600 })).ok).toBe(true);
  });

  it.each([
    ['another secret', header(T, BODY, `${SECRET}!`), BODY],
    ['a body changed after signing', header(T), BODY.replace('ANZ-2', 'ANZ-3')],
    ['a t changed after signing', header(T).replace(`t=${T}`, `t=${T - 1}`), BODY],
  ])('refuses %s', async (_, signature, body) => {
    expect(await verifyWebhook(SECRET, signature, body, { now: NOW })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
  });

  it.each([undefined, null, '', 'v1=abc', `t=${T}`, `t=${T},v1=XYZ`, `t=abc,v1=${'0'.repeat(64)}`])(
    'refuses the header %p',
    async (value) => {
      expect(await verifyWebhook(SECRET, value, BODY, { now: NOW })).toEqual({ ok: false, reason: 'MALFORMED_SIGNATURE' });
    },
  );

  it('refuses a genuine signature over a body that is not {events}', async () => {
    expect(await verifyWebhook(SECRET, header(T, '{"x":1}'), '{"x":1}', { now: NOW })).toEqual({ ok: false, reason: 'MALFORMED_BODY' });
  });
});

describe('verifyAuthRequest', () => {
  const LOGIN = JSON.stringify({ appId: 'app-1', userId: 'APP-1', token: 'a-token' });
  const signed = (t: number, body: string) => header(t, body);

  it('returns the login asked about when the request is signed with the secret', async () => {
    expect(await verifyAuthRequest(SECRET, signed(T, LOGIN), LOGIN, { now: NOW })).toEqual({
      ok: true,
      request: { appId: 'app-1', userId: 'APP-1', token: 'a-token' },
    });
  });

  it('refuses another secret, an old timestamp, no header and a body that is not a login', async () => {
    expect(await verifyAuthRequest('another-secret-of-32-characters!!', signed(T, LOGIN), LOGIN, { now: NOW })).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    expect(await verifyAuthRequest(SECRET, signed(T - 301, LOGIN), LOGIN, { now: NOW })).toMatchObject({
      reason: 'TIMESTAMP_OUT_OF_TOLERANCE',
    });
    expect(await verifyAuthRequest(SECRET, undefined, LOGIN, { now: NOW })).toMatchObject({ reason: 'MALFORMED_SIGNATURE' });
    const events = JSON.stringify({ events: [] });
    expect(await verifyAuthRequest(SECRET, signed(T, events), events, { now: NOW })).toMatchObject({ reason: 'MALFORMED_BODY' });
  });
});
