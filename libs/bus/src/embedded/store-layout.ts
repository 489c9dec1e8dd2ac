import { LinkerError } from '@linker/kernel';
import type { BusRecord, BusErrorCode } from '../bus.port';

const SEP = '\x00';
const END = '\x01';
const u = encodeURIComponent;
const partitionDigits = 6;
/** 2^53 has 16 decimal digits: every safe integer offset fits, and string order is numeric order. */
const offsetDigits = 16;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A key range for LevelDB iterators and `clear`. */
export interface KeyRange {
  readonly gte: string;
  readonly lt: string;
}

/** Every key starting with `prefix` (none of our keys has END right after a prefix: names are URI-encoded). */
const under = (prefix: string): KeyRange => ({ gte: `${prefix}${SEP}`, lt: `${prefix}${END}` });

/**
 * The key layout of the broker store (one LevelDB per broker, keys in byte order). Topic and group names are
 * URI-encoded so they never hold SEP or END; partitions and offsets are zero-padded decimals, so one partition's
 * records are one contiguous range in offset order.
 *
 *   t SEP topic                          → partition count
 *   s SEP topic SEP partition            → log start offset (written before any record below it is deleted)
 *   g SEP topic SEP partition SEP group  → committed offset of group
 *   r SEP topic SEP partition SEP offset → the record: uint32 BE key length, key (UTF-8), value bytes
 */
export const storeKeys = {
  topic: (topic: string) => `t${SEP}${u(topic)}`,
  topics: under('t'),
  start: (topic: string, partition: number) => `s${SEP}${u(topic)}${SEP}${pad(partition, partitionDigits)}`,
  startsOf: (topic: string) => under(`s${SEP}${u(topic)}`),
  committed: (topic: string, partition: number, group: string) =>
    `g${SEP}${u(topic)}${SEP}${pad(partition, partitionDigits)}${SEP}${u(group)}`,
  committedOf: (topic: string) => under(`g${SEP}${u(topic)}`),
  record: (topic: string, partition: number, offset: number) =>
    `r${SEP}${u(topic)}${SEP}${pad(partition, partitionDigits)}${SEP}${pad(offset, offsetDigits)}`,
  recordsOf: (topic: string) => under(`r${SEP}${u(topic)}`),
  allRecords: under('r'),
  /** Records of one partition with offsets in [from, below). */
  recordsBetween: (topic: string, partition: number, from: number, below: number): KeyRange => ({
    gte: storeKeys.record(topic, partition, from),
    lt: storeKeys.record(topic, partition, below),
  }),
};

/** The fields of a key after its kind letter, decoded: names URI-decoded, numbers parsed. */
export function keyFields(key: string): string[] {
  return key.split(SEP).slice(1).map(decodeURIComponent);
}

/** A non-negative integer stored as its decimal text. */
export function parseCount(value: Buffer | string, what: string): number {
  const n = Number(value.toString());
  if (!Number.isSafeInteger(n) || n < 0) throw corrupt(`${what} is not a count: ${JSON.stringify(value.toString())}`);
  return n;
}

export const countValue = (n: number): Buffer => Buffer.from(String(n));

export function encodeRecord({ key, value }: BusRecord): Buffer {
  const keyLength = Buffer.byteLength(key);
  const out = Buffer.allocUnsafe(4 + keyLength + value.length);
  out.writeUInt32BE(keyLength, 0);
  out.write(key, 4, 'utf8');
  value.copy(out, 4 + keyLength);
  return out;
}

export function decodeRecord(stored: Buffer): BusRecord {
  const keyLength = stored.readUInt32BE(0);
  if (4 + keyLength > stored.length) throw corrupt('a record is shorter than its key');
  return { key: stored.toString('utf8', 4, 4 + keyLength), value: stored.subarray(4 + keyLength) };
}

export function corrupt(message: string): LinkerError {
  return new LinkerError<BusErrorCode>('BUS_STORE_CORRUPT', `the broker store is inconsistent: ${message}`);
}
