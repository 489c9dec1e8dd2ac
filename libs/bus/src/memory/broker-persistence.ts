import type { BusRecord } from '../bus.port';

/** One partition as a store holds it: `records` are the offsets `start`, `start + 1`, ... (its end is `start + records.length`). */
export interface PersistedPartition {
  /** The log start offset: everything below was dropped (committed by every group, or bounded away). */
  readonly start: number;
  readonly records: readonly BusRecord[];
}

/** A consumer group as a store holds it: its committed offset by partition (a partition missing is at its log start). */
export interface PersistedGroup {
  readonly name: string;
  readonly committed: ReadonlyMap<number, number>;
}

export interface PersistedTopic {
  readonly name: string;
  /** One entry per partition, in partition order: the topic's partition count is its length. */
  readonly partitions: readonly PersistedPartition[];
  readonly groups: readonly PersistedGroup[];
}

/**
 * Where a `MemoryBroker` keeps the RELIABLE topics it was told to persist (`MemoryBroker.open`), so that they survive
 * a crash of the process: their records from publish until every group committed them, and the groups' committed
 * offsets. The broker calls it from its synchronous methods: only `append` is awaited (`publish` resolves after it);
 * the other writes are fire-and-forget, in call order.
 *
 * What an adapter must guarantee:
 * - `append` resolves once the records are durable (they survive a crash of the process and of the machine). Calls
 *   for one partition become durable in call order and resolve in that order; a crash loses only a suffix of the
 *   unresolved ones, never one in the middle, so a restored partition has no gap. After one `append` rejects, every
 *   later one rejects too (the store is failed: LevelDB behaves so after a write error).
 * - `ensureTopic`, `commit` and `truncate` are applied in call order relative to the appends (an append resolved
 *   implies the topic written before it is durable). They may be lost in a machine crash (not in a process crash):
 *   a lost commit means redelivery (consumers de-duplicate by id), a lost truncation means records dropped later.
 * - `truncate` writes the new log start before it deletes anything, so `load` never returns records below it; the
 *   deletion itself may run later, in the background.
 */
export interface BrokerPersistence {
  /** Everything stored, to restore at open: called once, before any write. */
  load(): Promise<{ readonly topics: readonly PersistedTopic[] }>;
  /** `topic` exists with `partitions` partitions (created or grown). */
  ensureTopic(topic: string, partitions: number): void;
  /** Store `records` at offsets `firstOffset`, `firstOffset + 1`, ... of `partition`; resolves once durable. */
  append(topic: string, partition: number, firstOffset: number, records: readonly BusRecord[]): Promise<void>;
  /** `group` committed `offset` (the next offset it will read) on `partition` of `topic`. */
  commit(group: string, topic: string, partition: number, offset: number): void;
  /** Drop the records of `partition` below `below`: its log start is now `below`. */
  truncate(topic: string, partition: number, below: number): void;
  /** Finish the writes in hand, then release the store. Later calls are ignored (`append` rejects). */
  close(): Promise<void>;
}
