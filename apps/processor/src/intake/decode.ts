import { createHash } from 'node:crypto';
import type { BusRecord } from '@linker/bus';
import { decodeEnvelope, type Envelope, type Lane } from '@linker/contracts';
import { errorMessage } from '@linker/kernel';

/** Most characters of an undecodable record kept in its dead letter, for an operator to look at. */
const MAX_RAW_CHARS = 64 * 1024;

export type DecodedRecord =
  | { ok: true; key: string; envelope: Envelope }
  /** Not an envelope: `envelope` is a stand-in holding the raw record, to be dead-lettered with `reason`. */
  | { ok: false; key: string; envelope: Envelope; reason: string };

/**
 * One intake record → its envelope, or (never silently dropped) a stand-in envelope of type `UNDECODABLE` whose
 * id is derived from the record's bytes (a redelivered record parks once) and whose data keeps the raw text.
 */
export function decodeRecord(record: BusRecord, lane: Lane, domain: string, now: number): DecodedRecord {
  try {
    return { ok: true, key: record.key, envelope: decodeEnvelope(record.value) };
  } catch (error) {
    const digest = createHash('sha256').update(record.key).update('\0').update(record.value).digest('hex').slice(0, 32);
    const envelope: Envelope = {
      id: `undecodable.${digest}`,
      lane,
      type: 'UNDECODABLE',
      from: record.key || 'unknown',
      data: { key: record.key, bytes: record.value.length, raw: record.value.toString('utf8').slice(0, MAX_RAW_CHARS) },
      path: [domain],
      createdAt: now,
      hops: 0,
    };
    return { ok: false, key: record.key, envelope, reason: errorMessage(error) };
  }
}
