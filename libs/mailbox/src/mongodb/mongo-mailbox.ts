import { MongoClient, type Collection } from 'mongodb';
import { decodeEnvelope, type Envelope } from '@linker/contracts';
import { LinkerError, errorMessage } from '@linker/kernel';
import { silentLogger, type Logger } from '@linker/observability';
import type { DeadLetter, Mailbox, MailboxEntry, MailboxWindow, MailboxErrorCode, StoredMessageRef } from '../mailbox.port';
import {
  AGE_ORDER,
  DEAD_LETTERS,
  DEAD_LETTER_INDEXES,
  DEAD_LETTER_ORDER,
  MAJORITY_JOURNALED,
  MESSAGES,
  MESSAGE_INDEXES,
  MESSAGE_ORDER,
  fromDeadLetterDocument,
  isOnlyDuplicates,
  messagesAfter,
  messagesBefore,
  messagesOf,
  toDeadLetterDocument,
  toMessageDocument,
  type DeadLetterDocument,
  type MessageDocument,
} from './mongo-documents';

/** Where the mailbox lives: a connection string (the mailbox owns its client) or a client its caller owns. */
export type MongoMailboxConnection = { url: string } | { client: MongoClient };

export type MongoMailboxOptions = MongoMailboxConnection & {
  /** The database of this domain (each domain, and each test, its own). */
  database: string;
  logger?: Logger;
};

/**
 * The mailbox of real mode, in MongoDB (collections `mailbox` and `dead_letters`; document shapes and indexes in
 * `mongo-documents.ts`). Every write uses write concern `{ w: 'majority', j: true }`. Failures of the server reject
 * with a retriable `MAILBOX_UNAVAILABLE` `LinkerError`; use after `close` rejects with `MAILBOX_CLOSED`.
 */
export class MongoMailbox implements Mailbox {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly messages: Collection<MessageDocument>,
    private readonly parked: Collection<DeadLetterDocument>,
    private readonly client: MongoClient,
    private readonly ownsClient: boolean,
    private readonly logger: Logger,
  ) {}

  /**
   * Connects (when given a URL) and creates the indexes (idempotent: existing ones are kept). Resolves to a mailbox
   * ready for use; rejects with a retriable `MAILBOX_UNAVAILABLE` when the server cannot be reached.
   */
  static async open(options: MongoMailboxOptions): Promise<MongoMailbox> {
    const logger = (options.logger ?? silentLogger).child({ component: 'mongo-mailbox', database: options.database });
    const ownsClient = 'url' in options;
    const client = 'url' in options ? new MongoClient(options.url) : options.client;
    const db = client.db(options.database);
    const mailbox = new MongoMailbox(
      db.collection<MessageDocument>(MESSAGES, { writeConcern: MAJORITY_JOURNALED }),
      db.collection<DeadLetterDocument>(DEAD_LETTERS, { writeConcern: MAJORITY_JOURNALED }),
      client,
      ownsClient,
      logger,
    );
    try {
      await mailbox.init();
    } catch (error) {
      if (ownsClient) await client.close().catch(() => undefined);
      throw error;
    }
    logger.debug('mongodb mailbox ready');
    return mailbox;
  }

  /**
   * Stores every entry not already stored for its user: one unordered `insertMany`, durable when resolved. An entry
   * already stored (from an earlier call or earlier in this one) is a duplicate key and counts as success, so a
   * retry after any failure is safe. Anything else rejects with a retriable `MAILBOX_UNAVAILABLE`.
   */
  async store(entries: readonly MailboxEntry[]): Promise<void> {
    this.ensureOpen();
    if (entries.length === 0) return;
    const storedAt = new Date();
    const documents = entries.map((entry) => toMessageDocument(entry, storedAt));
    await this.insertIgnoringDuplicates('store', () => this.messages.insertMany(documents, { ordered: false }));
  }

  /** The oldest `limit` messages of `userId` in (createdAt, id) order: one sorted, limited find. Limit < 1: none. */
  async oldest(userId: string, limit: number): Promise<Envelope[]> {
    this.ensureOpen();
    const wanted = Math.floor(limit);
    if (!(wanted > 0)) return [];
    return (await this.read('oldest', userId, wanted)).map(toEnvelope);
  }

  /**
   * The oldest `limit` messages of `userId` and how many are stored after the last of them: one find of `limit + 1`
   * and, only when that one more exists, a count of the messages after the last one read (on MongoDB a walk of the
   * `fetch_order` index from there; FerretDB v1 reads the collection once more).
   */
  async window(userId: string, limit: number): Promise<MailboxWindow> {
    this.ensureOpen();
    const wanted = Math.max(0, Math.floor(limit) || 0);
    const documents = await this.read('window', userId, wanted + 1);
    const read = documents.slice(0, wanted);
    const last = read.at(-1);
    let rest = documents.length - read.length;
    if (rest > 0)
      rest = await this.guard('window', () => this.messages.countDocuments(last ? messagesAfter(userId, last) : { '_id.userId': userId }));
    return { messages: read.map(toEnvelope), rest };
  }

  /** The exact number of messages stored for `userId` (`countDocuments`, not the estimate). */
  async count(userId: string): Promise<number> {
    this.ensureOpen();
    return this.guard('count', () => this.messages.countDocuments({ '_id.userId': userId }));
  }

  /** Removes those of `ids` stored for `userId` with one `deleteMany`; resolves to how many were removed. */
  async remove(userId: string, ids: readonly string[]): Promise<number> {
    this.ensureOpen();
    if (ids.length === 0) return 0;
    const filter = messagesOf(userId, [...new Set(ids)]);
    const result = await this.guard('remove', () => this.messages.deleteMany(filter));
    return result.deletedCount;
  }

  /** The oldest messages of `userId` beyond its newest `keep`, at most `limit`: a count, then a sorted, limited find. */
  async overCap(userId: string, keep: number, limit: number): Promise<StoredMessageRef[]> {
    this.ensureOpen();
    const count = await this.count(userId);
    const excess = Math.min(count - atLeastZero(keep), atLeastZero(limit));
    if (excess <= 0) return [];
    const documents = await this.guard('overCap', () =>
      this.messages
        .find({ '_id.userId': userId }, { projection: { createdAt: 1 } })
        .sort(MESSAGE_ORDER)
        .limit(excess)
        .toArray(),
    );
    return documents.map(toRef);
  }

  /** Messages created before `cutoff` of the users whose id starts with `userPrefix`: a walk of the `age_order` index. */
  async olderThan(cutoff: number, userPrefix: string, limit: number): Promise<StoredMessageRef[]> {
    this.ensureOpen();
    const wanted = atLeastZero(limit);
    if (wanted === 0) return [];
    const documents = await this.guard('olderThan', () =>
      this.messages
        .find(messagesBefore(cutoff, userPrefix), { projection: { createdAt: 1 } })
        .sort(AGE_ORDER)
        .limit(wanted)
        .toArray(),
    );
    return documents.map(toRef);
  }

  /** Parks `letter` durably unless a letter with that envelope id is parked already (the first one stays). */
  async deadLetter(letter: DeadLetter): Promise<void> {
    this.ensureOpen();
    const document = toDeadLetterDocument(letter);
    await this.insertIgnoringDuplicates('deadLetter', () => this.parked.insertMany([document], { ordered: false }));
  }

  /** The oldest `limit` parked letters by (at, envelope id). */
  async deadLetters(limit: number): Promise<DeadLetter[]> {
    this.ensureOpen();
    const wanted = Math.floor(limit);
    if (!(wanted > 0)) return [];
    const documents = await this.guard('deadLetters', () => this.parked.find({}).sort(DEAD_LETTER_ORDER).limit(wanted).toArray());
    return documents.map(fromDeadLetterDocument);
  }

  /** The letter parked for `envelopeId` (its `_id`), if any: one find by key. */
  async findDeadLetter(envelopeId: string): Promise<DeadLetter | undefined> {
    this.ensureOpen();
    const document = await this.guard('findDeadLetter', () => this.parked.findOne({ _id: envelopeId }));
    return document === null ? undefined : fromDeadLetterDocument(document);
  }

  /** Unparks the letter of `envelopeId` with one durable `deleteOne`; false when none was parked. */
  async removeDeadLetter(envelopeId: string): Promise<boolean> {
    this.ensureOpen();
    const result = await this.guard('removeDeadLetter', () => this.parked.deleteOne({ _id: envelopeId }));
    return result.deletedCount > 0;
  }

  /** A MongoDB `ping` command. */
  async probe(): Promise<void> {
    await this.client.db('admin').command({ ping: 1 });
  }

  /** Closes the client if this mailbox opened it (a client passed in stays open); later calls reject. Idempotent. */

  close(): Promise<void> {
    this.closing ??= this.ownsClient ? this.client.close() : Promise.resolve();
    return this.closing;
  }

  /** The oldest `limit` (≥ 1) documents of `userId`, with what orders them and the envelope. */
  private read(operation: string, userId: string, limit: number): Promise<Array<Pick<MessageDocument, '_id' | 'createdAt' | 'envelope'>>> {
    return this.guard(operation, () =>
      this.messages
        .find({ '_id.userId': userId }, { projection: { envelope: 1, createdAt: 1 } })
        .sort(MESSAGE_ORDER)
        .limit(limit)
        .toArray(),
    );
  }

  /**
   * Creates the indexes of both collections (creating the collections too), one call per index: FerretDB v1 fails a
   * `createIndexes` of several indexes when some of them exist already (an internal error that closes the connection).
   */
  private async init(): Promise<void> {
    await this.guard('init', async () => {
      for (const index of MESSAGE_INDEXES) await this.messages.createIndexes([index]);
      await this.parked.createIndexes(DEAD_LETTER_INDEXES);
    });
  }

  /** Runs an insert; a failure only of keys stored already is success (their documents are there). */
  private async insertIgnoringDuplicates(operation: string, insert: () => Promise<unknown>): Promise<void> {
    try {
      await insert();
    } catch (error) {
      if (!isOnlyDuplicates(error)) throw this.failure(operation, error);
    }
  }

  /** Runs `work`, turning a failure into a retriable `MAILBOX_UNAVAILABLE`. */
  private async guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.failure(operation, error);
    }
  }

  /** The error to reject with: `MAILBOX_CLOSED` if closed meanwhile, else a retriable `MAILBOX_UNAVAILABLE`. */
  private failure(operation: string, cause: unknown): LinkerError {
    if (this.closing) return closedError();
    this.logger.warn('mongodb mailbox operation failed', { operation, error: errorMessage(cause) });
    const message = `mongodb mailbox ${operation} failed: ${errorMessage(cause)}`;
    return new LinkerError<MailboxErrorCode>('MAILBOX_UNAVAILABLE', message, { retriable: true, cause });
  }

  private ensureOpen(): void {
    if (this.closing) throw closedError();
  }
}

function toEnvelope(document: Pick<MessageDocument, 'envelope'>): Envelope {
  return decodeEnvelope(Buffer.from(document.envelope, 'utf8'));
}

function toRef(document: Pick<MessageDocument, '_id' | 'createdAt'>): StoredMessageRef {
  return { userId: document._id.userId, id: document._id.id, createdAt: document.createdAt };
}

function atLeastZero(value: number): number {
  return Math.max(0, Math.floor(value) || 0);
}

function closedError(): LinkerError {
  return new LinkerError<MailboxErrorCode>('MAILBOX_CLOSED', 'the mailbox is closed', { retriable: false });
}
