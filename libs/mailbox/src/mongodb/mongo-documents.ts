import { MongoBulkWriteError, type Filter, type IndexDescription, type WriteConcernSettings } from 'mongodb';
import { encodeEnvelope, type Envelope } from '@linker/contracts';
import type { DeadLetter, MailboxEntry } from '../mailbox.port';

/**
 * Every write waits until a majority of the replica set has it in its journal: a resolved write survives the loss
 * of the primary and a crash. The driver sends `journal` as `j` (the option name `j` itself is deprecated in v6).
 * FerretDB v1 (the server of the integration tests) accepts this write concern and has nothing to replicate: a write
 * is acknowledged once its SQLite transaction has committed (WAL journal).
 */
export const MAJORITY_JOURNALED: WriteConcernSettings = { w: 'majority', journal: true };

export const MESSAGES = 'mailbox';
export const DEAD_LETTERS = 'dead_letters';

/** The key of a stored message. Field order is part of an `_id`'s identity: build it only with `messageKey`. */
interface MessageKey {
  userId: string;
  id: string;
}

/**
 * One undelivered message. The key is `_id: { userId, id }`, so MongoDB's own unique `_id` index is what keeps one
 * copy per (user, message id), with no extra unique index to maintain. The same message id may be stored once for
 * each of several users (a group message).
 *
 * The envelope is kept as text (the record the lanes carry: `encodeEnvelope`), not as a sub-document: `data` is
 * whatever the client sent, and BSON would not give it back exactly (keys starting with `$` are refused, by FerretDB
 * even when nested; integers and doubles and -0 blur). What is read back equals what was stored, and a MESSAGE's content goes out as the bytes it was stored as.
 */
export interface MessageDocument {
  _id: MessageKey;
  createdAt: number;
  envelope: string;
  /** When it entered the mailbox: for operators, not used by the code. */
  storedAt: Date;
}

/** One parked message; `_id` is the envelope id, which makes parking idempotent by envelope id. */
export interface DeadLetterDocument {
  _id: string;
  at: number;
  reason: string;
  envelope: string;
}

/**
 * The fetch query, `{ '_id.userId' }` sorted by `{ createdAt, '_id.id' }`, walks this index in order and stops at the
 * limit; `count` counts its `_id.userId` prefix. (FerretDB v1 on SQLite ignores it and scans the collection.)
 */
export const MESSAGE_INDEXES: IndexDescription[] = [
  { key: { '_id.userId': 1, createdAt: 1, '_id.id': 1 }, name: 'fetch_order' },
  /** The age sweep (`olderThan`) walks this one from the oldest message of all. */
  { key: { createdAt: 1, '_id.userId': 1, '_id.id': 1 }, name: 'age_order' },
];
export const MESSAGE_ORDER = { createdAt: 1, '_id.id': 1 } as const;
export const AGE_ORDER = { createdAt: 1, '_id.userId': 1, '_id.id': 1 } as const;

/** Messages created before `cutoff` of the users whose id starts with `userPrefix` (walking `age_order`, the prefix checked on each key). */
export function messagesBefore(cutoff: number, userPrefix: string): Filter<MessageDocument> {
  const escaped = userPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return userPrefix === '' ? { createdAt: { $lt: cutoff } } : { createdAt: { $lt: cutoff }, '_id.userId': { $regex: `^${escaped}` } };
}

/** Dead letters are listed oldest first. */
export const DEAD_LETTER_INDEXES: IndexDescription[] = [{ key: { at: 1, _id: 1 }, name: 'parked_order' }];
export const DEAD_LETTER_ORDER = { at: 1, _id: 1 } as const;

function messageKey(userId: string, id: string): MessageKey {
  return { userId, id };
}

/**
 * The messages `ids` of `userId`, for `remove`. It matches the `_id` fields rather than whole `_id` documents
 * (`{ _id: { $in: [{ userId, id }] } }`): on MongoDB both are index reads (this one walks the user's `fetch_order`
 * keys), but FerretDB v1 compares each stored document with every sub-document of the `$in` list: removing 2,000 of
 * 10,000 took 6.9 s that way and 1 s this way.
 */
export function messagesOf(userId: string, ids: readonly string[]): Filter<MessageDocument> {
  return { '_id.userId': userId, '_id.id': { $in: [...ids] } };
}

/** The messages of `userId` after `last` in fetch order (`MESSAGE_ORDER`): a range of the `fetch_order` index. */
export function messagesAfter(userId: string, last: Pick<MessageDocument, '_id' | 'createdAt'>): Filter<MessageDocument> {
  return {
    '_id.userId': userId,
    $or: [{ createdAt: { $gt: last.createdAt } }, { createdAt: last.createdAt, '_id.id': { $gt: last._id.id } }],
  };
}

export function toMessageDocument({ userId, envelope }: MailboxEntry, storedAt: Date): MessageDocument {
  return {
    _id: messageKey(userId, envelope.id),
    createdAt: envelope.createdAt,
    envelope: encodeEnvelope(envelope).toString('utf8'),
    storedAt,
  };
}

export function toDeadLetterDocument({ envelope, reason, at }: DeadLetter): DeadLetterDocument {
  return { _id: envelope.id, at, reason, envelope: JSON.stringify(envelope) };
}

export function fromDeadLetterDocument(document: DeadLetterDocument): DeadLetter {
  return { envelope: JSON.parse(document.envelope) as Envelope, reason: document.reason, at: document.at };
}

const DUPLICATE_KEY = 11000;

/**
 * Whether a failed unordered `insertMany` (also used for single documents: `insertOne` drops a write concern error
 * that comes with a write error) failed only because some documents were stored already: every write error is a
 * duplicate key and no write concern error came with them. Every other document of the batch was then inserted.
 */
export function isOnlyDuplicates(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return false;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return (
    writeErrors.length > 0 && writeErrors.every((writeError) => writeError.code === DUPLICATE_KEY) && !error.result?.getWriteConcernError()
  );
}
