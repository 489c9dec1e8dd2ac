import type { Envelope } from '@linker/contracts';

/** One undelivered message of one user. */
export interface MailboxEntry {
  /** The recipient. */
  userId: string;
  envelope: Envelope;
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
 * - a message leaves only through `remove` by id, which the caller calls after delivery: reading never removes.
 */
export interface Mailbox {
  store(entries: readonly MailboxEntry[]): Promise<void>;
  /** The oldest `limit` messages of `userId`, oldest first. */
  oldest(userId: string, limit: number): Promise<Envelope[]>;
  /** How many messages `userId` has stored. Exact. */
  count(userId: string): Promise<number>;
  /** Remove these message ids of `userId`; unknown ids are ignored. Resolves to how many were removed. */
  remove(userId: string, ids: readonly string[]): Promise<number>;
  /** Park a message that keeps failing, with the reason. Durable like `store`; idempotent by envelope id. */
  deadLetter(letter: DeadLetter): Promise<void>;
  /** Parked messages, oldest first, for operators. */
  deadLetters(limit: number): Promise<DeadLetter[]>;
  close(): Promise<void>;
}
