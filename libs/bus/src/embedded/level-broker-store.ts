import { ClassicLevel } from 'classic-level';
import { LinkerError } from '@linker/kernel';
import { silentLogger, type Logger } from '@linker/observability';
import type { BusRecord, BusErrorCode } from '../bus.port';
import type { BrokerPersistence, PersistedGroup, PersistedTopic } from '../memory/broker-persistence';
import { GroupCommitWriter, type WriterStats } from './group-commit';
import { corrupt, countValue, decodeRecord, encodeRecord, keyFields, parseCount, storeKeys } from './store-layout';
import { TruncationSweeper } from './truncation-sweeper';

export interface LevelBrokerStoreOptions {
  /** The store's directory; created when missing. One process at a time may hold it (LevelDB locks it). */
  directory: string;
  logger?: Logger;
  /** How long truncations are gathered before their records are deleted. Default 200 ms. */
  truncateDelayMs?: number;
}

type Db = ClassicLevel<string, Buffer>;

/**
 * `BrokerPersistence` on LevelDB (classic-level, as the embedded mailbox: ADR 0005), for embedded mode's RELIABLE
 * lane (ADR 0009). Appends are synced and share syncs through group commit (`GroupCommitWriter`); topics and
 * commits are written unsynced in the same ordered stream; truncations are deleted in the background
 * (`TruncationSweeper`). Key layout: store-layout.ts.
 */
export class LevelBrokerStore implements BrokerPersistence {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly db: Db,
    private readonly writer: GroupCommitWriter,
    private readonly sweeper: TruncationSweeper,
  ) {}

  static async open(options: LevelBrokerStoreOptions): Promise<LevelBrokerStore> {
    const logger = (options.logger ?? silentLogger).child({ component: 'broker-store' });
    const db: Db = new ClassicLevel<string, Buffer>(options.directory, { keyEncoding: 'utf8', valueEncoding: 'buffer' });
    try {
      await db.open();
    } catch (cause) {
      throw new LinkerError<BusErrorCode>('BUS_UNAVAILABLE', `cannot open the broker store in ${options.directory}`, { cause });
    }
    return new LevelBrokerStore(db, new GroupCommitWriter(db, logger), new TruncationSweeper(db, logger, options.truncateDelayMs ?? 200));
  }

  /** Every topic, with its partitions from their log start and its groups; deletes records left below a log start. */
  async load(): Promise<{ readonly topics: readonly PersistedTopic[] }> {
    const topics: PersistedTopic[] = [];
    for await (const [key, value] of this.db.iterator(storeKeys.topics)) {
      const [name] = keyFields(key);
      topics.push(await this.loadTopic(name, parseCount(value, `the partition count of ${name}`)));
    }
    return { topics };
  }

  ensureTopic(topic: string, partitions: number): void {
    this.writer.unsynced([{ type: 'put', key: storeKeys.topic(topic), value: countValue(partitions) }]);
  }

  append(topic: string, partition: number, firstOffset: number, records: readonly BusRecord[]): Promise<void> {
    return this.writer.synced(
      records.map((record, n) => ({ type: 'put', key: storeKeys.record(topic, partition, firstOffset + n), value: encodeRecord(record) })),
    );
  }

  /** Unsynced: a commit lost in a machine crash only means a redelivery, which consumers de-duplicate by id. */
  commit(group: string, topic: string, partition: number, offset: number): void {
    this.writer.unsynced([{ type: 'put', key: storeKeys.committed(topic, partition, group), value: countValue(offset) }]);
  }

  truncate(topic: string, partition: number, below: number): void {
    if (!this.closing) this.sweeper.truncate(topic, partition, below);
  }

  /** Records on disk, of `topic` or of every topic (a range scan: for tests and diagnostics). */
  async recordsOnDisk(topic?: string): Promise<number> {
    let count = 0;
    for await (const _ of this.db.keys(topic === undefined ? storeKeys.allRecords : storeKeys.recordsOf(topic))) count += 1;
    return count;
  }

  /** Batches written so far, and how many were synced. */
  get writes(): Readonly<WriterStats> {
    return this.writer.stats;
  }

  /** Resolves once every write and truncation given so far is done (truncations without waiting for their delay). */
  async idle(): Promise<void> {
    await this.writer.idle();
    await this.sweeper.idle(true);
  }

  /** Finish the writes and truncations in hand, then close the database. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.idle();
      await this.writer.close();
      await this.db.close();
    })();
    return this.closing;
  }

  private async loadTopic(name: string, partitionCount: number): Promise<PersistedTopic> {
    const starts = new Map<number, number>();
    for await (const [key, value] of this.db.iterator(storeKeys.startsOf(name))) {
      starts.set(Number(keyFields(key)[1]), parseCount(value, `a log start of ${name}`));
    }
    const groups = new Map<string, Map<number, number>>();
    for await (const [key, value] of this.db.iterator(storeKeys.committedOf(name))) {
      const [, partition, group] = keyFields(key);
      const committed = groups.get(group) ?? new Map<number, number>();
      committed.set(Number(partition), parseCount(value, `an offset of ${group} on ${name}`));
      groups.set(group, committed);
    }
    const partitions = Array.from({ length: partitionCount }, (_, p) => ({
      start: starts.get(p) ?? 0,
      records: [] as BusRecord[],
      stale: false,
    }));
    await this.loadRecords(name, partitions);
    for (const [p, { start, stale }] of partitions.entries()) {
      if (stale) await this.db.clear(storeKeys.recordsBetween(name, p, 0, start));
      this.sweeper.setFloor(name, p, start);
    }
    const persistedGroups: PersistedGroup[] = [...groups].map(([group, committed]) => ({ name: group, committed }));
    return { name, partitions: partitions.map(({ start, records }) => ({ start, records })), groups: persistedGroups };
  }

  /** Each partition's records from its log start, which must follow each other; marks those with records below it. */
  private async loadRecords(name: string, partitions: Array<{ start: number; records: BusRecord[]; stale: boolean }>): Promise<void> {
    for await (const [key, value] of this.db.iterator(storeKeys.recordsOf(name))) {
      const [, partitionField, offsetField] = keyFields(key);
      const [p, offset] = [Number(partitionField), Number(offsetField)];
      const partition = partitions[p];
      if (!partition) throw corrupt(`${name} has a record in partition ${p} of ${partitions.length}`);
      if (offset < partition.start) {
        partition.stale = true;
        continue;
      }
      const expected = partition.start + partition.records.length;
      if (offset !== expected) throw corrupt(`${name} partition ${p} has offset ${offset} where ${expected} was expected`);
      partition.records.push(decodeRecord(value));
    }
  }
}
