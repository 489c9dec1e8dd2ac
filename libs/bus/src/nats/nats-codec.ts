import { ErrorCode, NatsError } from 'nats';
import { LinkerError } from '@linker/kernel';
import type { BusRecord, BusErrorCode } from '../bus.port';
import { tlsRefusalIn } from '../refusal';

/*
 * FAST records on the wire, one NATS message each (cheaper than NATS headers on the hot path):
 * - one record: [key length: uint16 BE][key: UTF-8][value];
 * - several records published in one event-loop turn (one message, so the server routes them once):
 *   [0xffff][count: uint32 BE] then per record [key length: uint16 BE][key][value length: uint32 BE][value].
 * A key length of 0xffff therefore never starts a single record: keys have at most 65,534 bytes.
 */

const MAX_KEY_BYTES = 0xfffe;
const BATCH_MARK = 0xffff;

/** Throws `BUS_INVALID_ARGUMENT` for a key over 65,534 bytes of UTF-8. */
export function checkKey(key: string): void {
  const keyBytes = Buffer.byteLength(key, 'utf8');
  if (keyBytes > MAX_KEY_BYTES) {
    throw new LinkerError<BusErrorCode>('INVALID_ARGUMENT', `a record key may have at most ${MAX_KEY_BYTES} bytes, got ${keyBytes}`);
  }
}

/** The header of a payload holding several records. */
export const BATCH_HEADER_BYTES = 6;

/** The bytes one record takes inside a payload of several. */
export function batchedSize(record: BusRecord): number {
  return 6 + Buffer.byteLength(record.key, 'utf8') + record.value.length;
}

/** The bytes `records` (keys checked by `checkKey`) take in one payload. */
export function encodedSize(records: readonly BusRecord[]): number {
  if (records.length === 1) return 2 + Buffer.byteLength(records[0]!.key, 'utf8') + records[0]!.value.length;
  let bytes = BATCH_HEADER_BYTES;
  for (const record of records) bytes += batchedSize(record);
  return bytes;
}

/** One NATS payload for `records` (at least one; keys checked by `checkKey`), in order. */
export function encodeRecords(records: readonly BusRecord[]): Buffer {
  const payload = Buffer.allocUnsafe(encodedSize(records));
  if (records.length === 1) {
    const keyBytes = payload.write(records[0]!.key, 2, 'utf8');
    payload.writeUInt16BE(keyBytes, 0);
    records[0]!.value.copy(payload, 2 + keyBytes);
    return payload;
  }
  payload.writeUInt16BE(BATCH_MARK, 0);
  payload.writeUInt32BE(records.length, 2);
  let at = BATCH_HEADER_BYTES;
  for (const { key, value } of records) {
    const keyBytes = payload.write(key, at + 2, 'utf8');
    payload.writeUInt16BE(keyBytes, at);
    payload.writeUInt32BE(value.length, at + 2 + keyBytes);
    value.copy(payload, at + 6 + keyBytes);
    at += 6 + keyBytes + value.length;
  }
  return payload;
}

/**
 * The records of a NATS payload, in order (copied: the client may reuse its buffers); an empty list if it is not one
 * of ours (a truncated or foreign payload yields nothing, never a part of it).
 */
export function decodeRecords(data: Uint8Array): BusRecord[] {
  if (data.length < 2) return [];
  const payload = Buffer.from(data); // copies
  const first = payload.readUInt16BE(0);
  if (first !== BATCH_MARK) {
    if (payload.length < 2 + first) return [];
    return [{ key: payload.toString('utf8', 2, 2 + first), value: payload.subarray(2 + first) }];
  }
  if (payload.length < 6) return [];
  const count = payload.readUInt32BE(2);
  const records: BusRecord[] = [];
  let at = 6;
  for (let i = 0; i < count; i++) {
    if (payload.length < at + 2) return [];
    const keyBytes = payload.readUInt16BE(at);
    if (payload.length < at + 6 + keyBytes) return [];
    const valueBytes = payload.readUInt32BE(at + 2 + keyBytes);
    const start = at + 6 + keyBytes;
    if (payload.length < start + valueBytes) return [];
    records.push({ key: payload.toString('utf8', at + 2, at + 2 + keyBytes), value: payload.subarray(start, start + valueBytes) });
    at = start + valueBytes;
  }
  return at === payload.length ? records : [];
}

const UNAVAILABLE = new Set<string>([
  ErrorCode.ConnectionClosed,
  ErrorCode.ConnectionRefused,
  ErrorCode.ConnectionTimeout,
  ErrorCode.Disconnect,
  ErrorCode.Timeout,
]);

/** The server refused our credentials. */
const REFUSED = new Set<string>([ErrorCode.AuthorizationViolation, ErrorCode.AuthenticationExpired, ErrorCode.AuthenticationTimeout]);

/**
 * Map a `nats` error: refused credentials or a failed TLS handshake → `BUS_REFUSED`; unreachable or closed server →
 * `BUS_UNAVAILABLE` (retriable); bad input → not retriable.
 */
export function toLinkerError(error: unknown, operation: string): LinkerError<BusErrorCode> {
  if (error instanceof LinkerError) return error;
  const detail = `${operation} failed: ${error instanceof Error ? error.message : String(error)}`;
  const tls = tlsRefusalIn(error);
  if (tls) {
    return new LinkerError<BusErrorCode>('BUS_REFUSED', `${detail} (TLS: ${tls}; check the CA and client certificate settings)`, {
      cause: error,
    });
  }
  if (error instanceof NatsError) {
    if (REFUSED.has(error.code)) {
      return new LinkerError<BusErrorCode>('BUS_REFUSED', `${detail} (check the NATS user and password, token or credentials file)`, {
        cause: error,
      });
    }
    if (UNAVAILABLE.has(error.code)) return new LinkerError<BusErrorCode>('BUS_UNAVAILABLE', detail, { retriable: true, cause: error });
    if (error.code === ErrorCode.ConnectionDraining) return new LinkerError<BusErrorCode>('BUS_CLOSED', detail, { cause: error });
    if (error.code === ErrorCode.MaxPayloadExceeded || error.code === ErrorCode.BadSubject) {
      return new LinkerError<BusErrorCode>('INVALID_ARGUMENT', detail, { cause: error });
    }
    return new LinkerError<BusErrorCode>('BUS_NATS_ERROR', `${detail} (NATS error ${error.code})`, { retriable: true, cause: error });
  }
  return new LinkerError<BusErrorCode>('BUS_NATS_ERROR', detail, { retriable: true, cause: error });
}
