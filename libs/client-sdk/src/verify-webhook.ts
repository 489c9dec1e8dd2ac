import { WEBHOOK_SIGNATURE_HEADER, type WebhookBatch } from '@linker/contracts';

export { WEBHOOK_SIGNATURE_HEADER };

export interface VerifyWebhookOptions {
  /** A signature whose `t` is further than this from now (either way) is refused: replays of old requests. Default 300 (5 min). */
  toleranceSeconds?: number;
  /** Now, in epoch ms (tests). Default `Date.now()`. */
  now?: number;
}

/** Why `verifyWebhook` refused a request. */
export type WebhookRefusal = 'MALFORMED_SIGNATURE' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'BAD_SIGNATURE' | 'MALFORMED_BODY';

/** The outcome: the events when the request is genuine, else why not. */
export type WebhookVerification = { ok: true; batch: WebhookBatch } | { ok: false; reason: WebhookRefusal };

const SIGNATURE = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/;

/**
 * Checks a webhook request from linker-ts (docs/protocol.md, Webhooks) with the app's webhook secret: `header` is the
 * `X-Linker-Signature` value (`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`), `body` the request's
 * body exactly as received (text, before any JSON parsing). Refuses a `t` more than 5 minutes from now, a signature
 * that does not match (compared in constant time), or a body that is not `{events: [...]}`. Uses Web Crypto
 * (`crypto.subtle`), so it runs in browsers, Node ≥ 20, Deno and edge runtimes.
 */
export async function verifyWebhook(
  secret: string,
  header: string | null | undefined,
  body: string,
  options: VerifyWebhookOptions = {},
): Promise<WebhookVerification> {
  const batch = await verifiedBody<WebhookBatch>(secret, header, body, options, (value) => Array.isArray(value.events));
  return 'reason' in batch ? batch : { ok: true, batch: batch.body };
}

/** The body linker-ts POSTs to an app's `authUrl` (docs/protocol.md, Authentication): the login it asks about. */
export interface AuthUrlRequest {
  appId: string;
  userId: string;
  token?: string;
}

/** The outcome: the login asked about when the request is genuine, else why not. */
export type AuthUrlVerification = { ok: true; request: AuthUrlRequest } | { ok: false; reason: WebhookRefusal };

/**
 * Checks a request to an app's `authUrl` with its `authUrlSecret`, as `verifyWebhook` checks an event webhook (the
 * same header and tolerance); the body must be `{appId, userId, token?}`. Answer the request only when `ok`.
 */
export async function verifyAuthRequest(
  secret: string,
  header: string | null | undefined,
  body: string,
  options: VerifyWebhookOptions = {},
): Promise<AuthUrlVerification> {
  const isRequest = (value: Record<string, unknown>) =>
    typeof value.appId === 'string' && typeof value.userId === 'string' && (value.token === undefined || typeof value.token === 'string');
  const request = await verifiedBody<AuthUrlRequest>(secret, header, body, options, isRequest);
  return 'reason' in request ? request : { ok: true, request: request.body };
}

/** The signed body parsed, when the signature holds and the body is a JSON object `isBody` accepts; else why not. */
async function verifiedBody<T>(
  secret: string,
  header: string | null | undefined,
  body: string,
  options: VerifyWebhookOptions,
  isBody: (value: Record<string, unknown>) => boolean,
): Promise<{ body: T } | { ok: false; reason: WebhookRefusal }> {
  const match = SIGNATURE.exec((header ?? '').trim());
  if (!match) return { ok: false, reason: 'MALFORMED_SIGNATURE' };
  const [, t, given] = match;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(t)) > (options.toleranceSeconds ?? 300)) return { ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' };
  if (!sameText(await hmacHex(secret, `${t}.${body}`), given)) return { ok: false, reason: 'BAD_SIGNATURE' };
  try {
    const value = JSON.parse(body) as Record<string, unknown>;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && isBody(value)) return { body: value as T };
  } catch {
    // refused below
  }
  return { ok: false, reason: 'MALFORMED_BODY' };
}

async function hmacHex(secret: string, text: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Equal texts of one length, compared without stopping at the first difference. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
