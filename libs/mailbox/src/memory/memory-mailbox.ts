import type { Envelope } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import type { DeadLetter, Mailbox, MailboxEntry, MailboxWindow, MailboxErrorCode, StoredMessageRef } from '../mailbox.port';

/** One user's messages: by id for idempotence and removal, and in (createdAt, id) order for `oldest`. */
interface UserBox {
  readonly byId: Map<string, Envelope>;
  ordered: Envelope[];
}

/** Plain string order: UTF-16 code units. */
function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * (createdAt, id), oldest first. Ids compare by UTF-16 code units, which equals the byte order of the durable
 * adapters for every id without characters outside the Basic Multilingual Plane (UUIDv7 ids are plain ASCII).
 */
function byAge(a: Envelope, b: Envelope): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return byString(a.id, b.id);
}

function atLeastZero(value: number): number {
  return Math.max(0, Math.floor(value) || 0);
}

function refOf(userId: string, envelope: Envelope): StoredMessageRef {
  return { userId, id: envelope.id, createdAt: envelope.createdAt };
}

/** Where `envelope` goes in `ordered` (after every element that sorts before it): a binary search. */
function insertionPoint(ordered: readonly Envelope[], envelope: Envelope): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (byAge(ordered[middle], envelope) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The in-memory twin of the mailbox, for unit tests: the same semantics as `MongoMailbox` and `EmbeddedMailbox`
 * (proved by the shared contract suite), but nothing survives the process. It keeps copies of what it is given
 * and hands out copies, so callers cannot change stored messages by mutating objects, as with a real store.
 */
export class MemoryMailbox implements Mailbox {
  private readonly users = new Map<string, UserBox>();
  private readonly parked = new Map<string, DeadLetter>();
  private closed = false;

  /** Stores every entry not already stored for its user; entries repeated in one call count once. */
  async store(entries: readonly MailboxEntry[]): Promise<void> {
    this.ensureOpen();
    for (const { userId, envelope } of entries) {
      const box = this.boxOf(userId);
      if (box.byId.has(envelope.id)) continue;
      const copy = structuredClone(envelope);
      box.byId.set(copy.id, copy);
      box.ordered.splice(insertionPoint(box.ordered, copy), 0, copy);
    }
  }

  /** Copies of the oldest `limit` messages of `userId` in (createdAt, id) order; a limit below 1 gives none. */
  async oldest(userId: string, limit: number): Promise<Envelope[]> {
    this.ensureOpen();
    const wanted = Math.floor(limit);
    if (!(wanted > 0)) return [];
    return (this.users.get(userId)?.ordered.slice(0, wanted) ?? []).map((envelope) => structuredClone(envelope));
  }

  /** Copies of the oldest `limit` messages of `userId` and how many more it has. */
  async window(userId: string, limit: number): Promise<MailboxWindow> {
    const messages = await this.oldest(userId, limit);
    return { messages, rest: (await this.count(userId)) - messages.length };
  }

  /** The exact number of messages stored for `userId`. */
  async count(userId: string): Promise<number> {
    this.ensureOpen();
    return this.users.get(userId)?.byId.size ?? 0;
  }

  /** Removes those of `ids` stored for `userId`; resolves to how many were removed (unknown ids count 0). */
  async remove(userId: string, ids: readonly string[]): Promise<number> {
    this.ensureOpen();
    const box = this.users.get(userId);
    if (!box) return 0;
    const removed = new Set(ids.filter((id) => box.byId.delete(id)));
    if (removed.size === 0) return 0;
    box.ordered = box.ordered.filter((envelope) => !removed.has(envelope.id));
    if (box.byId.size === 0) this.users.delete(userId);
    return removed.size;
  }

  /** The oldest messages of `userId` beyond its newest `keep`, at most `limit`. */
  async overCap(userId: string, keep: number, limit: number): Promise<StoredMessageRef[]> {
    this.ensureOpen();
    const ordered = this.users.get(userId)?.ordered ?? [];
    const excess = Math.min(ordered.length - atLeastZero(keep), atLeastZero(limit));
    return excess > 0 ? ordered.slice(0, excess).map((envelope) => refOf(userId, envelope)) : [];
  }

  /** Messages created before `cutoff` of the users whose id starts with `userPrefix`, at most `limit`, oldest first. */
  async olderThan(cutoff: number, userPrefix: string, limit: number): Promise<StoredMessageRef[]> {
    this.ensureOpen();
    const found: StoredMessageRef[] = [];
    for (const [userId, box] of this.users) {
      if (!userId.startsWith(userPrefix)) continue;
      for (const envelope of box.ordered) {
        if (!(envelope.createdAt < cutoff)) break;
        found.push(refOf(userId, envelope));
      }
    }
    found.sort((a, b) => a.createdAt - b.createdAt || byString(a.userId, b.userId) || byString(a.id, b.id));
    return found.slice(0, atLeastZero(limit));
  }

  /** Parks a copy of `letter` unless a letter with that envelope id is parked already (the first one stays). */
  async deadLetter(letter: DeadLetter): Promise<void> {
    this.ensureOpen();
    if (!this.parked.has(letter.envelope.id)) this.parked.set(letter.envelope.id, structuredClone(letter));
  }

  /** Copies of the oldest `limit` parked letters, by (at, envelope id). */
  async deadLetters(limit: number): Promise<DeadLetter[]> {
    this.ensureOpen();
    const wanted = Math.floor(limit);
    if (!(wanted > 0)) return [];
    const letters = [...this.parked.values()].sort((a, b) => a.at - b.at || byString(a.envelope.id, b.envelope.id));
    return letters.slice(0, wanted).map((letter) => structuredClone(letter));
  }

  /** A copy of the letter parked for `envelopeId`, if any. */
  async findDeadLetter(envelopeId: string): Promise<DeadLetter | undefined> {
    this.ensureOpen();
    const letter = this.parked.get(envelopeId);
    return letter && structuredClone(letter);
  }

  /** Unparks the letter of `envelopeId`; false when none was parked. */
  async removeDeadLetter(envelopeId: string): Promise<boolean> {
    this.ensureOpen();
    return this.parked.delete(envelopeId);
  }

  /** Drops everything; later calls reject with `MAILBOX_CLOSED`. Closing twice is harmless. */
  async close(): Promise<void> {
    this.closed = true;
    this.users.clear();
    this.parked.clear();
  }

  private boxOf(userId: string): UserBox {
    let box = this.users.get(userId);
    if (!box) {
      box = { byId: new Map(), ordered: [] };
      this.users.set(userId, box);
    }
    return box;
  }

  private ensureOpen(): void {
    if (this.closed) throw new LinkerError<MailboxErrorCode>('MAILBOX_CLOSED', 'the mailbox is closed', { retriable: false });
  }
}
