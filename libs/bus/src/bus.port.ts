import type { Lane } from '@linker/contracts';
import type { CommonErrorCode } from '@linker/kernel';

/** Why a bus operation failed (the `code` of the `LinkerError` it rejects with). */
export type BusErrorCode =
  /** The broker could not be reached or did not answer in time, after the client's own retries; retriable (not when the embedded broker's store cannot be opened at start). */
  | 'BUS_UNAVAILABLE'
  /**
   * The broker refused this client: wrong credentials (SASL, a NATS user or token), or the TLS handshake failed (the
   * broker's certificate not signed by the configured CA, or ours refused). Not retriable: the settings must change.
   */
  | 'BUS_REFUSED'
  /** The bus client (or the embedded broker) was closed, or is closing; not retriable. */
  | 'BUS_CLOSED'
  /** The topic does not exist: `ensureTopics` was not called for it (topics are never created on use); not retriable. */
  | 'BUS_UNKNOWN_TOPIC'
  /** A RELIABLE subscription did not join its consumer group in time; retriable. */
  | 'BUS_JOIN_TIMEOUT'
  /** Kafka failed the request for a reason of its own (its error type is in the message); retriable when kafkajs says so. */
  | 'BUS_KAFKA_ERROR'
  /** NATS failed the request for a reason of its own (its error code is in the message); retriable. */
  | 'BUS_NATS_ERROR'
  /** The embedded broker's store on disk is inconsistent; not retriable. */
  | 'BUS_STORE_CORRUPT'
  /** A key, a payload, a subject, a partition count or a group the bus cannot take; not retriable. */
  | CommonErrorCode;

/** One record on a lane: an ordering key and opaque bytes (an encoded envelope). */
export interface BusRecord {
  /** Records with the same key keep their publish order (RELIABLE: same partition; see each method). */
  readonly key: string;
  readonly value: Buffer;
}

/**
 * Handles one batch of records. RELIABLE: the batch is committed only after the returned promise resolves; if it
 * rejects, or the process dies first, the records are delivered again (to this or another member of the group).
 * FAST: nothing is committed; a rejection is logged and the records are gone.
 * Records of one batch come from one partition, in order; the handler must keep that order for equal keys.
 */
export type BatchHandler = (records: readonly BusRecord[]) => Promise<void>;

export interface SubscribeOptions {
  topic: string;
  /** Consumer group (RELIABLE) or queue group (FAST): each record goes to one member of the group. */
  group: string;
  handler: BatchHandler;
  /**
   * RELIABLE only (ignored on FAST): called with this member's partitions of `topic` (ascending; empty when it owns
   * none) after every rebalance, including the first join — before `subscribe` resolves for that one. Across the
   * members of a group the latest sets are disjoint and cover every partition once the rebalance settled; a member
   * that leaves is not told anything more. Lets a member follow its share of the topic elsewhere (the processors'
   * FAST intake follows their RELIABLE intake assignment). A throw is logged and ignored.
   */
  onAssignment?: (partitions: readonly number[]) => void;
}

export interface DrainOptions {
  topic: string;
  /** The consumer group whose uncommitted records to take over (e.g. the group of a member that is gone for good). */
  group: string;
  /** Called like a subscription's handler: a batch is committed only after it resolves; a rejection is retried. */
  handler: BatchHandler;
  /** Aborting stops the drain: the batch in hand finishes (and commits), the group is left, `drain` resolves. */
  signal?: AbortSignal;
}

export interface Subscription {
  /**
   * Leave the group gracefully: stop fetching, let the batch in hand finish (RELIABLE: and commit), then go.
   * Resolves when this member no longer receives anything.
   */
  close(): Promise<void>;
}

/**
 * A lane's transport, as the connector and processor see it. Adapters: `KafkaBus` (RELIABLE), `NatsBus` (FAST),
 * `MemoryBus` (either, in one process: embedded mode and unit tests).
 *
 * Guarantees, per lane:
 * - RELIABLE: a resolved `publish` means the broker holds every record durably (acks=all, idempotent producer);
 *   per-key order holds from publisher to consumer; delivery is at least once (consumers de-duplicate by message id);
 *   a record whose batch was committed is not delivered to that group again.
 * - FAST: at most once, in memory; a resolved `publish` means the client accepted the records, not that anyone got
 *   them; records from one publisher reach one subscriber in publish order; nothing is redelivered. A queue group
 *   shares work by publish: what one publisher sends a topic in one event-loop turn goes to one member together.
 */
export interface Bus {
  readonly lane: Lane;
  /**
   * Make sure the topics exist with at least `partitions` partitions (RELIABLE). Topics are never auto-created with
   * the broker default. FAST lanes have nothing to create and resolve at once.
   */
  ensureTopics(topics: readonly string[], partitions: number): Promise<void>;
  /** Publish records to a topic (see the lane guarantees above). Rejects with a retriable `LinkerError` when the broker is unreachable. */
  publish(topic: string, records: readonly BusRecord[]): Promise<void>;
  /** Join `group` on `topic`; resolves once the member is subscribed and records published from now on reach the group. */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * RELIABLE: take over what `group` has not committed on `topic`: join the group, hand every uncommitted record up to
   * the end of the topic as of the call to `handler` (records published later may be handed too), and resolve once
   * the group's committed offsets have reached that end on every partition — whichever member of the group
   * committed them — then leave the group. Resolves at once when nothing is uncommitted (or the topic does not
   * exist). Other live members of the group keep their share: each record still goes to one member.
   * FAST: nothing is retained, so there is nothing to drain; resolves at once.
   */
  drain(options: DrainOptions): Promise<void>;
  /** One round trip to the service behind this port, for readiness checks; absent on in-process twins (always ready). */
  probe?(): Promise<void>;
  /** Close every subscription gracefully, flush and disconnect. */
  close(): Promise<void>;
}
