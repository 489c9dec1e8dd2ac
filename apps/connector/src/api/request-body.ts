import type { IncomingMessage } from 'node:http';
import type { TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { ApiFailure } from './api-failure';

const JSON_TYPE = /^application\/json\s*(;|$)/i;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Whether the request has a body: a Content-Length above 0, or a chunked transfer. */
export function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/**
 * The request's body as the JSON value it holds. Refused before a byte is read: a body that is not
 * `application/json` (415) or whose Content-Length is over `maxBytes` (413); then a body without Content-Length is read
 * no further than `maxBytes` (413 at the first byte beyond). Bytes that are not UTF-8 or not JSON: 400 MALFORMED_JSON.
 * Node's request deadline (`LINKER_HANDSHAKE_TIMEOUT_MS`) bounds how long the body may take to arrive.
 */
export async function readJson(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = request.headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) {
    throw new ApiFailure(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type: the body must be application/json, got ${type === undefined ? 'none' : type.slice(0, 64)}`,
    );
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readAtMost(request, maxBytes);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new ApiFailure('MALFORMED_JSON', 'the body is not UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiFailure('MALFORMED_JSON', 'the body is not valid JSON');
  }
}

/** `value` when it passes `check` (a compiled TypeBox schema); else 400 naming the first field that does not. */
export function checked<T extends TSchema>(check: TypeCheck<T>, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiFailure('MALFORMED_JSON', 'the body must be one JSON object');
  }
  if (check.Check(value)) return value;
  const first = check.Errors(value).First();
  const field = (first?.path ?? '').replace(/^\//, '').replace(/\//g, '.') || 'body';
  throw new ApiFailure('INVALID_FIELD', `${field}: ${first?.message ?? 'invalid'}`);
}

/** Bytes of a refused body read and dropped after the answer (so the client reads it rather than a reset); beyond, the connection is dropped. */
const DISCARD_LIMIT = 1_048_576;

/**
 * Read and drop the rest of a body that was refused before it was read whole, after the answer was written: a client
 * still sending then reads the answer instead of a reset, and the connection may carry its next request. A client
 * that sends more than `DISCARD_LIMIT` bytes more is disconnected; Node's request deadline bounds the time.
 */
export function discardRest(request: IncomingMessage): void {
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > DISCARD_LIMIT) request.socket.destroy();
  });
  request.resume();
}

function tooLarge(maxBytes: number): ApiFailure {
  return new ApiFailure('TOO_LARGE', `the body is larger than ${maxBytes} bytes (LINKER_API_MAX_BODY_BYTES)`);
}

/** The body's bytes, or 413 at the first chunk that goes beyond `maxBytes` (then reading stops). */
function readAtMost(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', cut);
      request.off('close', cut);
      if (error) {
        request.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) return done(tooLarge(maxBytes));
      chunks.push(chunk);
    };
    const onEnd = (): void => done();
    const cut = (): void => done(new ApiFailure('MALFORMED_JSON', 'the request ended before its body was complete'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', cut);
    request.on('close', cut);
  });
}
