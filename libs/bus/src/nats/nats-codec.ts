import { ErrorCode, NatsError } from 'nats';
import { LinkerError } from '@linker/kernel';
import type { BusRecord } from '../bus.port';

/*
 * A FAST record on the wire: [key length: uint16 BE][key: UTF-8][value]. Cheaper than NATS headers on the hot path
 * and enough for the one field a record has besides its value.
 */

const MAX_KEY_BYTES = 0xffff;

/** One NATS payload for `record`; throws `BUS_INVALID_ARGUMENT` for a key over 65,535 bytes. */
export function encodeRecord(record: BusRecord): Buffer {
  const keyBytes = Buffer.byteLength(record.key, 'utf8');
  if (keyBytes > MAX_KEY_BYTES) {
    throw new LinkerError('BUS_INVALID_ARGUMENT', `a record key may have at most ${MAX_KEY_BYTES} bytes, got ${keyBytes}`);
  }
  const payload = Buffer.allocUnsafe(2 + keyBytes + record.value.length);
  payload.writeUInt16BE(keyBytes, 0);
  payload.write(record.key, 2, 'utf8');
  record.value.copy(payload, 2 + keyBytes);
  return payload;
}

/** The record in a NATS payload (copied: the client may reuse its buffers), or undefined if it is not one of ours. */
export function decodeRecord(data: Uint8Array): BusRecord | undefined {
  if (data.length < 2) return undefined;
  const payload = Buffer.from(data); // copies
  const keyBytes = payload.readUInt16BE(0);
  if (payload.length < 2 + keyBytes) return undefined;
  return { key: payload.toString('utf8', 2, 2 + keyBytes), value: payload.subarray(2 + keyBytes) };
}

const UNAVAILABLE = new Set<string>([
  ErrorCode.ConnectionClosed,
  ErrorCode.ConnectionRefused,
  ErrorCode.ConnectionTimeout,
  ErrorCode.Disconnect,
  ErrorCode.Timeout,
]);

/** Map a `nats` error: unreachable or closed server → `BUS_UNAVAILABLE` (retriable); bad input → not retriable. */
export function toLinkerError(error: unknown, operation: string): LinkerError {
  if (error instanceof LinkerError) return error;
  const detail = `${operation} failed: ${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof NatsError) {
    if (UNAVAILABLE.has(error.code)) return new LinkerError('BUS_UNAVAILABLE', detail, { retriable: true, cause: error });
    if (error.code === ErrorCode.ConnectionDraining) return new LinkerError('BUS_CLOSED', detail, { cause: error });
    if (error.code === ErrorCode.MaxPayloadExceeded || error.code === ErrorCode.BadSubject) {
      return new LinkerError('BUS_INVALID_ARGUMENT', detail, { cause: error });
    }
    return new LinkerError(`NATS_${error.code}`, detail, { retriable: true, cause: error });
  }
  return new LinkerError('BUS_NATS_ERROR', detail, { retriable: true, cause: error });
}
