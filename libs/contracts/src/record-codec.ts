import type { TSchema, Static } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { LinkerError } from '@linker/kernel';

/**
 * Records that carry a message (envelopes, deliveries) are two JSON lines: the routing facts, then the message's
 * `data`. Keeping the data apart lets a hop that only routes a message pass its bytes on as they came instead of
 * re-encoding the content (see `DecodedContent`). `JSON.stringify` never writes a raw line feed, so the first one splits
 * the two; a record of one line is read whole (the data inside it).
 */
const LINE_FEED = 0x0a;

/**
 * A MESSAGE's data `{content}` as decoded from a record, holding the JSON bytes it came in. The bytes are private: a
 * copy (a spread, `structuredClone`) is a plain object without them, so they can never describe other content. Frozen.
 */
class DecodedContent {
  readonly content: string;
  readonly #bytes: Buffer;

  constructor(content: string, bytes: Buffer) {
    this.content = content;
    this.#bytes = bytes;
    Object.freeze(this);
  }

  static bytesOf(data: unknown): Buffer | undefined {
    return data instanceof DecodedContent ? data.#bytes : undefined;
  }
}

/** The bytes `data` was decoded from, when it is a MESSAGE's `{content}` that a record carried. */
export function decodedContentBytes(data: unknown): Buffer | undefined {
  return DecodedContent.bytesOf(data);
}

/** Whether `data` is exactly `{content: string}`: the data of a MESSAGE as it travels from sender to recipient. */
export function isContentOnly(data: unknown): data is { content: string } {
  if (!isObject(data) || typeof (data as { content?: unknown }).content !== 'string') return false;
  for (const key in data) if (key !== 'content') return false;
  return true;
}

/** A two-line record: `head` (JSON text), a line feed, then `data` (the bytes it was decoded from, or encoded now). */
export function encodeRecord(head: string, data: unknown): Buffer {
  const body = DecodedContent.bytesOf(data);
  if (body === undefined) return Buffer.from(`${head}\n${JSON.stringify(data ?? null)}`);
  const headLength = Buffer.byteLength(head);
  const record = Buffer.allocUnsafe(headLength + 1 + body.length);
  record.write(head, 0, headLength, 'utf8');
  record[headLength] = LINE_FEED;
  body.copy(record, headLength + 1);
  return record;
}

/** Why a record read off a lane could not be used (the `code` of the `LinkerError` a decoder throws). */
export type RecordErrorCode =
  /** An envelope is not JSON, breaks its schema, or lacks what its type needs; not retriable (it is dead-lettered). */
  | 'INVALID_ENVELOPE'
  /** A delivery (processor to connector) is not JSON or breaks its schema; not retriable. */
  | 'INVALID_DELIVERY';

/**
 * A decoder for records of one schema (compiled once by the caller): bytes to a checked value, or a non-retriable
 * `LinkerError` with `code` saying whether it was not JSON or where it was malformed. A two-line record's data is put
 * back with `attach(head, data)` before the check; `typeOf(head)` is the message type the record carries: a MESSAGE's
 * `{content}` keeps its bytes (see `DecodedContent`).
 */
export function recordDecoder<S extends TSchema>(
  check: TypeCheck<S>,
  code: RecordErrorCode,
  what: string,
  attach: (head: Record<string, unknown>, data: unknown) => void,
  typeOf: (head: Record<string, unknown>) => unknown,
): (bytes: Buffer | Uint8Array) => Static<S> {
  return (bytes) => {
    // Bus records are Buffers already: decode them as they are (a view is made only for a plain Uint8Array).
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const split = buffer.indexOf(LINE_FEED);
    let value: unknown;
    try {
      value = JSON.parse(buffer.toString('utf8', 0, split < 0 ? buffer.length : split));
      if (split >= 0 && isObject(value))
        attach(value as Record<string, unknown>, dataOf(typeOf(value as Record<string, unknown>), buffer, split + 1));
    } catch (cause) {
      throw new LinkerError<RecordErrorCode>(code, `${what} is not valid JSON`, { cause });
    }
    if (!check.Check(value)) {
      const first = check.Errors(value).First();
      throw new LinkerError<RecordErrorCode>(code, `${what} is malformed at ${first?.path || '/'}: ${first?.message}`);
    }
    return value;
  };
}

/**
 * A record's data, from `start` on: a MESSAGE's `{content}` keeps a copy of the bytes it came in (`DecodedContent`).
 * A copy, because a record is often a view into a much larger buffer (a whole Kafka fetch response, a NATS batch)
 * that a message held for long (awaiting its acknowledgement) would otherwise keep alive.
 */
function dataOf(type: unknown, record: Buffer, start: number): unknown {
  const data: unknown = JSON.parse(record.toString('utf8', start));
  return type === 'MESSAGE' && isContentOnly(data) ? new DecodedContent(data.content, Buffer.from(record.subarray(start))) : data;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
