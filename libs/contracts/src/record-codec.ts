import type { TSchema, Static } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { LinkerError } from '@linker/kernel';

/**
 * Records that carry a message (envelopes, deliveries) are two JSON lines: the routing facts, then the message's
 * `data`. Keeping the data apart lets a hop that only routes a message pass its bytes on as they came instead of
 * re-encoding the content (see `dataBytes`). `JSON.stringify` never writes a raw line feed, so the first one splits
 * the two; a record of one line is read whole (the data inside it).
 */
const LINE_FEED = 0x0a;

/**
 * Message data `{content}` (a MESSAGE's) as decoded, with the JSON bytes it was decoded from. Such an object is
 * frozen once registered, so the bytes stay true to it.
 */
const decodedBytes = new WeakMap<object, Buffer>();

/** `data` as JSON bytes: the bytes it was decoded from when it is registered content, else freshly encoded. */
export function dataBytes(data: unknown): Buffer {
  return (isObject(data) && decodedBytes.get(data)) || Buffer.from(JSON.stringify(data ?? null));
}

/** The bytes `data` was decoded from, when it is a MESSAGE's `{content}` that a record carried. */
export function decodedContentBytes(data: unknown): Buffer | undefined {
  return isObject(data) ? decodedBytes.get(data) : undefined;
}

/** Whether `data` is exactly `{content: string}`: the data of a MESSAGE as it travels from sender to recipient. */
export function isContentOnly(data: unknown): data is { content: string } {
  if (!isObject(data) || typeof (data as { content?: unknown }).content !== 'string') return false;
  for (const key in data) if (key !== 'content') return false;
  return true;
}

/** A two-line record: `head` as JSON, a line feed, then `data` (see `dataBytes`). */
export function encodeRecord(head: object, data: unknown): Buffer {
  const headText = JSON.stringify(head);
  const body = dataBytes(data);
  const headLength = Buffer.byteLength(headText);
  const record = Buffer.allocUnsafe(headLength + 1 + body.length);
  record.write(headText, 0, headLength, 'utf8');
  record[headLength] = LINE_FEED;
  body.copy(record, headLength + 1);
  return record;
}

/**
 * A decoder for records of one schema (compiled once by the caller): bytes to a checked value, or a non-retriable
 * `LinkerError` with `code` saying whether it was not JSON or where it was malformed. A two-line record's data is put
 * back with `attach(head, data)` before the check; `dataOf(value)` names the data the checked value carries, so a
 * MESSAGE's `{content}` keeps its bytes (see `dataBytes`).
 */
export function recordDecoder<S extends TSchema>(
  check: TypeCheck<S>,
  code: string,
  what: string,
  attach: (head: Record<string, unknown>, data: unknown) => void,
  messageOf: (value: Static<S>) => { type: string; data: unknown },
): (bytes: Buffer | Uint8Array) => Static<S> {
  return (bytes) => {
    // Bus records are Buffers already: decode them as they are (a view is made only for a plain Uint8Array).
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const split = buffer.indexOf(LINE_FEED);
    const body = split < 0 ? undefined : buffer.subarray(split + 1);
    let value: unknown;
    try {
      value = parse(split < 0 ? buffer : buffer.subarray(0, split));
      if (body !== undefined && isObject(value)) attach(value as Record<string, unknown>, parse(body));
    } catch (cause) {
      throw new LinkerError(code, `${what} is not valid JSON`, { cause });
    }
    if (!check.Check(value)) {
      const first = check.Errors(value).First();
      throw new LinkerError(code, `${what} is malformed at ${first?.path || '/'}: ${first?.message}`);
    }
    if (body !== undefined) register(messageOf(value), body);
    return value;
  };
}

function register(message: { type: string; data: unknown }, body: Buffer): void {
  if (message.type !== 'MESSAGE' || !isContentOnly(message.data)) return;
  decodedBytes.set(Object.freeze(message.data), body);
}

function parse(bytes: Buffer): unknown {
  return JSON.parse(bytes.toString('utf8'));
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
