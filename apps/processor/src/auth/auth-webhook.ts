import { WEBHOOK_SIGNATURE_HEADER } from '@linker/contracts';
import { webhookSignature } from '../webhooks/signature';

/** The body POSTed to an app's `authUrl` (the original's). */
export interface WebhookRequest {
  appId: string;
  userId: string;
  token?: string;
}

export type FetchFn = typeof fetch;

/** How a request is signed: the app's `authUrlSecret`, and the clock of its timestamp (epoch ms). */
export interface Signing {
  secret: string;
  now: () => number;
}

/** Largest answer body read, in bytes; a longer one is refused as soon as that is known, without reading the rest. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Asks an app's auth server (docs/protocol.md, Authentication): POST `{appId, userId, token}` as JSON; accepted only on a 2xx whose body is
 * a JSON object with `appId` and `userId` equal to ours and `isAuthenticated: true`, within `timeoutMs` (the
 * timeout covers the body too). Blank or non-http(s) URL, non-2xx, redirect, malformed or oversized body, timeout,
 * network error: refused. Resolves to a reason when refused, undefined when accepted; never rejects.
 * The token is sent only to the app's own URL and never logged. With `signing`, the request carries
 * `X-Linker-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, as the app's webhooks do.
 */
export async function webhookRefusal(
  url: string | undefined,
  request: WebhookRequest,
  fetchFn: FetchFn,
  timeoutMs: number,
  signing?: Signing,
): Promise<string | undefined> {
  if (!url || !/^https?:\/\//i.test(url.trim())) return 'no usable authUrl';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const body = JSON.stringify(request);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (signing) headers[WEBHOOK_SIGNATURE_HEADER] = webhookSignature(signing.secret, Math.floor(signing.now() / 1000), body);
  try {
    const response = await fetchFn(url.trim(), {
      method: 'POST',
      headers,
      body,
      signal: controller.signal,
      redirect: 'error',
    });
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel().catch(() => undefined);
      return `auth server answered ${response.status}`;
    }
    const text = await readLimited(response, MAX_BODY_BYTES);
    return text === undefined ? 'auth server answer too large' : answerRefusal(text, request);
  } catch (error) {
    return controller.signal.aborted
      ? `auth server did not answer within ${timeoutMs} ms`
      : `auth server unreachable (${(error as Error).name})`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The body as text, or undefined (and the rest not read: the connection is dropped) when its declared length or the
 * bytes received so far are over `maxBytes`: a huge or endless answer never fills the processor's memory.
 */
async function readLimited(response: Response, maxBytes: number): Promise<string | undefined> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let over = Number(response.headers.get('content-length')) > maxBytes; !over;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks).toString('utf8');
    size += value.byteLength;
    chunks.push(value);
    over = size > maxBytes;
  }
  await reader.cancel().catch(() => undefined);
  return undefined;
}

function answerRefusal(text: string, request: WebhookRequest): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'auth server answer is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'auth server answer is not an object';
  const { appId, userId, isAuthenticated } = body as Record<string, unknown>;
  if (appId !== request.appId || userId !== request.userId) return 'auth server answer names another app or user';
  return isAuthenticated === true ? undefined : 'auth server refused';
}
