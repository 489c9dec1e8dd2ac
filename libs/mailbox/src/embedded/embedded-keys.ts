import type { ClassicLevel } from 'classic-level';
import type { StoredMessageRef } from '../mailbox.port';

export type Operation = { type: 'put'; key: string; value: string | Buffer } | { type: 'del'; key: string };

const SEP = '\x00';
const END = '\x01';

/**
 * The key layout of `EmbeddedMailbox`. LevelDB keeps keys in byte order, so a user's messages are one contiguous range
 * sorted by (createdAt, id), and the age index one range sorted by (createdAt, user, id). The user id is URI-encoded so
 * it never holds SEP or END and the ranges of two users never mix; ids come last in every key, so they need no encoding.
 *
 *   m SEP user SEP order SEP id  → the envelope as a record       (order: createdAt as 16 sortable hex digits)
 *   i SEP user SEP id            → order                          (existence check for idempotence; finds the m key)
 *   c SEP user                   → how many messages user has     (updated in the same atomic batch as m and i)
 *   t SEP order SEP user SEP id  → ''                             (age index, for `olderThan`; written with m and i;
 *                                                                 users in the byte order of their encoded ids, which
 *                                                                 is their own for ids of letters, digits, `-_.!~*'()`)
 *   d SEP order SEP id           → the dead letter as JSON        (order: `at`; parked oldest first)
 *   x SEP id                     → order                          (one dead letter per envelope id)
 *   v SEP age-index              → '1'                            (the age index is complete: stores older than it are indexed)
 */
const u = encodeURIComponent;
export const keys = {
  message: (user: string, order: string, id: string) => `m${SEP}${u(user)}${SEP}${order}${SEP}${id}`,
  messagesOf: (user: string) => ({ gte: `m${SEP}${u(user)}${SEP}`, lt: `m${SEP}${u(user)}${END}` }),
  messages: { gte: `m${SEP}`, lt: `m${END}` },
  index: (user: string, id: string) => `i${SEP}${u(user)}${SEP}${id}`,
  counter: (user: string) => `c${SEP}${u(user)}`,
  age: (order: string, user: string, id: string) => `t${SEP}${order}${SEP}${u(user)}${SEP}${id}`,
  agesBefore: (cutoff: number) => ({ gte: `t${SEP}`, lt: `t${SEP}${sortableNumber(cutoff)}` }),
  letter: (order: string, id: string) => `d${SEP}${order}${SEP}${id}`,
  letters: { gte: `d${SEP}`, lt: `d${END}` },
  letterIndex: (id: string) => `x${SEP}${id}`,
  ageIndexDone: `v${SEP}age-index`,
};

/** The message a key of the `m` range names. */
export function refOfMessageKey(key: string): StoredMessageRef {
  const [, user, order, ...id] = key.split(SEP);
  return { userId: decodeURIComponent(user), createdAt: numberOfSortable(order), id: id.join(SEP) };
}

/** The message a key of the age index (`t`) names. */
export function refOfAgeKey(key: string): StoredMessageRef {
  const [, order, user, ...id] = key.split(SEP);
  return { userId: decodeURIComponent(user), createdAt: numberOfSortable(order), id: id.join(SEP) };
}

/**
 * A number as 16 hex digits whose string order is its numeric order: the IEEE-754 bits, big-endian, with the sign
 * bit flipped for positives and every bit flipped for negatives. -0 is stored as 0, as MongoDB compares them equal.
 */
export function sortableNumber(value: number): string {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(value === 0 ? 0 : value);
  if (bytes[0] & 0x80) for (let n = 0; n < 8; n++) bytes[n] ^= 0xff;
  else bytes[0] |= 0x80;
  return bytes.toString('hex');
}

/** The number `sortableNumber` wrote. */
function numberOfSortable(order: string): number {
  const bytes = Buffer.from(order, 'hex');
  if (bytes[0] & 0x80) bytes[0] ^= 0x80;
  else for (let n = 0; n < 8; n++) bytes[n] ^= 0xff;
  return bytes.readDoubleBE();
}

/** Index entries written per batch while the age index is built. */
const INDEX_BATCH = 1_000;

/**
 * Build the age index of a store written before it existed (its messages have no `t` key): once, at open, then the
 * marker says it is done. Each batch is synced; a crash midway builds it again from the start (puts are idempotent).
 */
export async function ensureAgeIndex(db: ClassicLevel<string, string>): Promise<void> {
  if ((await db.get(keys.ageIndexDone)) !== undefined) return;
  let batch = db.batch();
  for await (const key of db.keys(keys.messages)) {
    const { userId, createdAt, id } = refOfMessageKey(key);
    batch.put(keys.age(sortableNumber(createdAt), userId, id), '');
    if (batch.length >= INDEX_BATCH) {
      await batch.write({ sync: true });
      batch = db.batch();
    }
  }
  batch.put(keys.ageIndexDone, '1');
  await batch.write({ sync: true });
}
