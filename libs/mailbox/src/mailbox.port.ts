import type { Envelope } from '@linker/contracts';

/** Why a mailbox operation failed (the `code` of the `LinkerError` it rejects with). */
export type MailboxErrorCode =
  /** The store (MongoDB, LevelDB) could not be reached or failed the operation; retriable (not when the embedded store cannot be opened at start). */
  | 'MAILBOX_UNAVAILABLE'
  /** Used after `close`; not retriable. */
  | 'MAILBOX_CLOSED';

/** One undelivered message of one user. */
export interface MailboxEntry {
  /** The recipient. */
  userId: string;
  envelope: Envelope;
}

/** The oldest messages of a user, and how many more are stored after the last of them. */
export interface MailboxWindow {
  messages: Envelope[];
  /** How many messages of the user are stored after the last one of `messages` in (createdAt, id) order. */
  rest: number;
}

/** A stored message as the mailbox limits see it: whose it is, which, and when it was created (envelope `createdAt`). */
export interface StoredMessageRef {
  userId: string;
  id: string;
  createdAt: number;
}

/** A message that kept failing, parked for an operator with the reason. */
export interface DeadLetter {
  envelope: Envelope;
  reason: string;
  /** When it was parked, epoch ms. */
  at: number;
}

/**
 * Undelivered RELIABLE messages per user, and the dead-letter park.
 * Adapters: `MongoMailbox` (real mode), `EmbeddedMailbox` (a durable local store for embedded mode), `MemoryMailbox`.
 *
 * Guarantees:
 * - a resolved `store` is durable (majority, journaled; embedded: synced to disk) and survives a restart;
 * - storing an envelope id that is already stored for that user keeps one copy (idempotent, safe to retry);
 * - `oldest` returns a user's messages in store order of their envelopes' (createdAt, id), oldest first;
 * - a message leaves only through `remove` by id, which the caller calls after delivery (or once it reported the
 *   message dropped by a mailbox limit): reading never removes.
 */
export interface Mailbox {
  store(entries: readonly MailboxEntry[]): Promise<void>;
  /** The oldest `limit` messages of `userId`, oldest first. */
  oldest(userId: string, limit: number): Promise<Envelope[]>;
  /**
   * The oldest `limit` messages of `userId` (as `oldest`) and how many more are stored after them, so that a removal
   * of messages inside the window racing the read never changes `rest`. Exact: read from one snapshot (embedded), or
   * `rest` counted after the last message read (MongoDB; not read at all when the window holds every message).
   */
  window(userId: string, limit: number): Promise<MailboxWindow>;
  /** How many messages `userId` has stored. Exact. */
  count(userId: string): Promise<number>;
  /** Remove these message ids of `userId`; unknown ids are ignored. Resolves to how many were removed. */
  remove(userId: string, ids: readonly string[]): Promise<number>;
  // Mailbox limits (docs/protocol.md, Mailbox limits). Both are reads: they name what is over a limit, and the caller
  // reports each message (a `message.dropped` webhook) before it removes it with `remove`, so nothing leaves unreported.
  /**
   * The oldest messages of `userId` beyond its newest `keep`, at most `limit`, oldest first in (createdAt, id) order:
   * with N stored at the read, the first min(max(N - keep, 0), limit) of them. Reads never remove. A `keep` or `limit`
   * below 0 counts as 0 (a limit of 0 gives none).
   */
  overCap(userId: string, keep: number, limit: number): Promise<StoredMessageRef[]>;
  /**
   * Messages created before `cutoff` (envelope `createdAt` < cutoff, epoch ms) of the users whose id starts with
   * `userPrefix` ('' for every user), at most `limit`, oldest first in (createdAt, userId, id) order. Reads never remove.
   * Cost: one walk of the messages in age order from the oldest, skipping other users' (an index in each durable
   * adapter), so it grows with the old messages of users outside the prefix.
   */
  olderThan(cutoff: number, userPrefix: string, limit: number): Promise<StoredMessageRef[]>;
  /** Park a message that keeps failing, with the reason. Durable like `store`; idempotent by envelope id. */
  deadLetter(letter: DeadLetter): Promise<void>;
  /** Parked messages, oldest first, for operators. */
  deadLetters(limit: number): Promise<DeadLetter[]>;
  /** The parked letter of this envelope id, if any (an operator's look before re-injecting it). */
  findDeadLetter(envelopeId: string): Promise<DeadLetter | undefined>;
  /** Unpark the letter of this envelope id (after it was re-injected); durable like `store`. Resolves to whether one was parked. */
  removeDeadLetter(envelopeId: string): Promise<boolean>;
  /** One round trip to the service behind this port, for readiness checks; absent on in-process twins (always ready). */
  probe?(): Promise<void>;
  close(): Promise<void>;
}
