import { ClassicLevel } from 'classic-level';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '@linker/contracts';
import { LinkerError, errorMessage } from '@linker/kernel';
import { silentLogger, type Logger } from '@linker/observability';
import type { DeadLetter, Mailbox, MailboxEntry, MailboxWindow, MailboxErrorCode, StoredMessageRef } from '../mailbox.port';
import { ensureAgeIndex, keys, refOfAgeKey, refOfMessageKey, sortableNumber, type Operation } from './embedded-keys';

export interface EmbeddedMailboxOptions {
  /** The directory of the store; created when missing. One process at a time may hold it (LevelDB locks it). */
  directory: string;
  logger?: Logger;
}

type Snapshot = ReturnType<ClassicLevel<string, string>['snapshot']>;

/** Every write is fsynced before it resolves: a resolved `store` survives a crash of the process or the machine. */
const DURABLE = { sync: true } as const;
/** A value written as bytes (an encoded envelope) rather than as text. */
const BYTES = { valueEncoding: 'buffer' } as const;

function atLeastZero(value: number): number {
  return Math.max(0, Math.floor(value) || 0);
}

/**
 * The mailbox of embedded mode: a durable local store (LevelDB through classic-level), no external service.
 * Same semantics as `MongoMailbox` (proved by the shared contract suite). Writes run one at a time in this process,
 * so the existence checks and the per-user counters they update are never raced; reads run alongside them and see
 * each write batch whole or not at all.
 */
export class EmbeddedMailbox implements Mailbox {
  private tail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly db: ClassicLevel<string, string>,
    private readonly logger: Logger,
  ) {}

  /** Opens (or creates) the store in `options.directory`; resolves once it is ready for use. */
  static async open(options: EmbeddedMailboxOptions): Promise<EmbeddedMailbox> {
    const logger = (options.logger ?? silentLogger).child({ component: 'embedded-mailbox' });
    const db = new ClassicLevel<string, string>(options.directory, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    try {
      await db.open();
      await ensureAgeIndex(db);
    } catch (cause) {
      await db.close().catch(() => undefined);
      throw new LinkerError<MailboxErrorCode>('MAILBOX_UNAVAILABLE', `cannot open the mailbox in ${options.directory}`, { cause });
    }
    logger.debug('embedded mailbox opened', { directory: options.directory });
    return new EmbeddedMailbox(db, logger);
  }

  /**
   * Stores every entry not already stored for its user, in one atomic batch synced to disk; entries repeated in one
   * call count once. Resolved means durable. Rejects with a retriable `MAILBOX_UNAVAILABLE` if the disk write fails.
   */
  async store(entries: readonly MailboxEntry[]): Promise<void> {
    this.ensureOpen();
    if (entries.length > 0) await this.exclusive('store', () => this.storeNow(entries));
  }

  /** The oldest `limit` messages of `userId` in (createdAt, id) order: one range scan. A limit below 1 gives none. */
  async oldest(userId: string, limit: number): Promise<Envelope[]> {
    this.ensureOpen();
    return this.guard('oldest', () => this.read(userId, limit));
  }

  /** The oldest `limit` messages of `userId` and how many more it has: a range scan and its counter, one snapshot. */
  async window(userId: string, limit: number): Promise<MailboxWindow> {
    this.ensureOpen();
    return this.guard('window', async () => {
      const snapshot = this.db.snapshot();
      try {
        const [messages, count] = await Promise.all([this.read(userId, limit, snapshot), this.counted(userId, snapshot)]);
        return { messages, rest: count - messages.length };
      } finally {
        await snapshot.close();
      }
    });
  }

  /** The exact number of messages stored for `userId`: one read of its counter. */
  async count(userId: string): Promise<number> {
    this.ensureOpen();
    return this.guard('count', () => this.counted(userId));
  }

  /** The oldest messages of `userId` beyond its newest `keep`, at most `limit`: its counter and a key scan, one snapshot. */
  async overCap(userId: string, keep: number, limit: number): Promise<StoredMessageRef[]> {
    this.ensureOpen();
    return this.guard('overCap', async () => {
      const snapshot = this.db.snapshot();
      try {
        const excess = Math.min((await this.counted(userId, snapshot)) - atLeastZero(keep), atLeastZero(limit));
        if (excess <= 0) return [];
        const found = await this.db.keys({ ...keys.messagesOf(userId), limit: excess, snapshot }).all();
        return found.map(refOfMessageKey);
      } finally {
        await snapshot.close();
      }
    });
  }

  /** Messages created before `cutoff` of the users whose id starts with `userPrefix`: a walk of the age index. */
  async olderThan(cutoff: number, userPrefix: string, limit: number): Promise<StoredMessageRef[]> {
    this.ensureOpen();
    const wanted = atLeastZero(limit);
    if (wanted === 0) return [];
    return this.guard('olderThan', async () => {
      const found: StoredMessageRef[] = [];
      for await (const key of this.db.keys(keys.agesBefore(cutoff))) {
        const ref = refOfAgeKey(key);
        if (ref.userId.startsWith(userPrefix) && found.push(ref) >= wanted) break;
      }
      return found;
    });
  }

  /** Removes those of `ids` stored for `userId` in one atomic synced batch; resolves to how many were removed. */
  async remove(userId: string, ids: readonly string[]): Promise<number> {
    this.ensureOpen();
    if (ids.length === 0) return 0;
    return this.exclusive('remove', () => this.removeNow(userId, [...new Set(ids)]));
  }

  /** Parks `letter`, synced to disk, unless a letter with that envelope id is parked already (the first one stays). */
  async deadLetter(letter: DeadLetter): Promise<void> {
    this.ensureOpen();
    await this.exclusive('deadLetter', async () => {
      const id = letter.envelope.id;
      if (await this.db.has(keys.letterIndex(id))) return;
      const order = sortableNumber(letter.at);
      const operations: Operation[] = [
        { type: 'put', key: keys.letter(order, id), value: JSON.stringify(letter) },
        { type: 'put', key: keys.letterIndex(id), value: order },
      ];
      await this.write(operations);
    });
  }

  /** The oldest `limit` parked letters by (at, envelope id): one range scan. */
  async deadLetters(limit: number): Promise<DeadLetter[]> {
    this.ensureOpen();
    const wanted = Math.floor(limit);
    if (!(wanted > 0)) return [];
    const values = await this.guard('deadLetters', () => this.db.values({ ...keys.letters, limit: wanted }).all());
    return values.map((value) => JSON.parse(value) as DeadLetter);
  }

  /** The letter parked for `envelopeId`, if any: its index entry, then the letter. */
  async findDeadLetter(envelopeId: string): Promise<DeadLetter | undefined> {
    this.ensureOpen();
    return this.guard('findDeadLetter', async () => {
      const order = await this.db.get(keys.letterIndex(envelopeId));
      const value = order === undefined ? undefined : await this.db.get(keys.letter(order, envelopeId));
      return value === undefined ? undefined : (JSON.parse(value) as DeadLetter);
    });
  }

  /** Unparks the letter of `envelopeId` (letter and index in one synced batch); false when none was parked. */
  async removeDeadLetter(envelopeId: string): Promise<boolean> {
    this.ensureOpen();
    return this.exclusive('removeDeadLetter', async () => {
      const order = await this.db.get(keys.letterIndex(envelopeId));
      if (order === undefined) return false;
      await this.write([
        { type: 'del', key: keys.letter(order, envelopeId) },
        { type: 'del', key: keys.letterIndex(envelopeId) },
      ]);
      return true;
    });
  }

  /** Lets the writes in hand finish, then closes the store; later calls reject with `MAILBOX_CLOSED`. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.tail.then(async () => {
      await this.db.close();
      this.logger.debug('embedded mailbox closed', { directory: this.db.location });
    });
    return this.closing;
  }

  /**
   * Reads the messages as bytes and decodes them as the lanes decode records (a MESSAGE's content keeps its bytes for
   * the delivery; one-line JSON of older stores too): no round trip through a string.
   */
  private async read(userId: string, limit: number, snapshot?: Snapshot): Promise<Envelope[]> {
    const wanted = Math.floor(limit);
    if (!(wanted > 0)) return [];
    const range = { ...keys.messagesOf(userId), limit: wanted, valueEncoding: 'buffer' as const, snapshot };
    const values = await this.db.values<string, Buffer>(range).all();
    return values.map((value) => decodeEnvelope(value));
  }

  private async counted(userId: string, snapshot?: Snapshot): Promise<number> {
    const value = await this.db.get(keys.counter(userId), { snapshot });
    return value === undefined ? 0 : Number(value);
  }

  private async storeNow(entries: readonly MailboxEntry[]): Promise<void> {
    const byIndexKey = new Map<string, MailboxEntry>();
    for (const entry of entries) byIndexKey.set(keys.index(entry.userId, entry.envelope.id), entry);
    const indexKeys = [...byIndexKey.keys()];
    const present = await this.db.hasMany(indexKeys);
    const operations: Operation[] = [];
    const added = new Map<string, number>();
    indexKeys.forEach((indexKey, n) => {
      if (present[n]) return;
      const { userId, envelope } = byIndexKey.get(indexKey) as MailboxEntry;
      const order = sortableNumber(envelope.createdAt);
      operations.push(
        { type: 'put', key: keys.message(userId, order, envelope.id), value: encodeEnvelope(envelope) },
        { type: 'put', key: indexKey, value: order },
        { type: 'put', key: keys.age(order, userId, envelope.id), value: '' },
      );
      added.set(userId, (added.get(userId) ?? 0) + 1);
    });
    if (operations.length === 0) return;
    operations.push(...(await this.counterUpdates(added)));
    await this.write(operations);
  }

  private async removeNow(userId: string, ids: readonly string[]): Promise<number> {
    const orders = await this.db.getMany(ids.map((id) => keys.index(userId, id)));
    const operations: Operation[] = [];
    ids.forEach((id, n) => {
      const order = orders[n];
      if (order === undefined) return;
      operations.push(
        { type: 'del', key: keys.message(userId, order, id) },
        { type: 'del', key: keys.index(userId, id) },
        { type: 'del', key: keys.age(order, userId, id) },
      );
    });
    const removed = operations.length / 3;
    if (removed === 0) return 0;
    operations.push(...(await this.counterUpdates(new Map([[userId, -removed]]))));
    await this.write(operations);
    return removed;
  }

  /**
   * Writes `operations` as one atomic batch synced to disk. A chained batch: the array form of abstract-level copies
   * and re-checks every operation with the call's options (about 5 µs each, a quarter of a removal's cost).
   */
  private async write(operations: readonly Operation[]): Promise<void> {
    const batch = this.db.batch();
    for (const operation of operations) {
      if (operation.type === 'del') batch.del(operation.key);
      else if (typeof operation.value === 'string') batch.put(operation.key, operation.value);
      else batch.put<string, Buffer>(operation.key, operation.value, BYTES);
    }
    await batch.write(DURABLE);
  }

  /** The counter writes that add `deltas` to each user's count; a count that reaches 0 is deleted. */
  private async counterUpdates(deltas: ReadonlyMap<string, number>): Promise<Operation[]> {
    const users = [...deltas.keys()];
    const current = await this.db.getMany(users.map(keys.counter));
    return users.map((user, n): Operation => {
      const next = Number(current[n] ?? 0) + (deltas.get(user) ?? 0);
      const key = keys.counter(user);
      return next > 0 ? { type: 'put', key, value: String(next) } : { type: 'del', key };
    });
  }

  /** Runs `work` after every write queued before it, so writes never interleave. */
  private exclusive<T>(operation: string, work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.guard(operation, work));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Runs `work`, turning a storage failure into a retriable `MAILBOX_UNAVAILABLE`. */
  private async guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (cause) {
      this.ensureOpen();
      this.logger.warn('embedded mailbox operation failed', { operation, error: errorMessage(cause) });
      throw new LinkerError<MailboxErrorCode>('MAILBOX_UNAVAILABLE', `embedded mailbox ${operation} failed`, { retriable: true, cause });
    }
  }

  private ensureOpen(): void {
    if (this.closing) throw new LinkerError<MailboxErrorCode>('MAILBOX_CLOSED', 'the mailbox is closed', { retriable: false });
  }
}
