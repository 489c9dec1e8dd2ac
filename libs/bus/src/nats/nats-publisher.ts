import type { NatsConnection } from 'nats';
import type { BusRecord } from '../bus.port';
import { chunksBySize } from '../chunks';
import { BATCH_HEADER_BYTES, batchedSize, checkKey, encodedSize, encodeRecords, toLinkerError } from './nats-codec';

interface Outgoing {
  records: BusRecord[];
  /** The publishes whose records are in `records`: settled together once they are handed to the client. */
  settle: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/** Used when the server did not say its `max_payload` (NATS's default). */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/**
 * FAST publishes, coalesced: every record published to a subject in one event-loop turn leaves in one NATS message
 * (split only where a message would exceed the server's `max_payload`), in publish order, at the end of the turn
 * (`setImmediate`, after the turn's I/O callbacks). The server then routes one message where it routed one per record:
 * its cost per record falls as the rate rises. With a write delay, publishes wait up to that long (from the first
 * one) and leave together, across turns: fewer, larger messages and system calls, for that much more latency. A
 * publish resolves once its records were handed to the client (the lane's at-most-once promise: they may still be
 * lost), and rejects when the client refused them.
 */
export class NatsPublisher {
  private readonly outgoing = new Map<string, Outgoing>();
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly writeDelayMs = 0,
  ) {}

  publish(topic: string, records: readonly BusRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    for (const record of records) checkKey(record.key);
    let pending = this.outgoing.get(topic);
    if (!pending) this.outgoing.set(topic, (pending = { records: [], settle: [] }));
    for (const record of records) pending.records.push(record);
    const settled = new Promise<void>((resolve, reject) => pending.settle.push({ resolve, reject }));
    this.scheduled ??= this.writeDelayMs > 0 ? setTimeout(() => this.flush(), this.writeDelayMs) : setImmediate(() => this.flush());
    return settled;
  }

  /** Hand everything waiting to the client now (also what `close` does first). */
  flush(): void {
    clearTimeout(this.scheduled as NodeJS.Timeout | undefined);
    clearImmediate(this.scheduled as NodeJS.Immediate | undefined);
    this.scheduled = undefined;
    const maxPayload = this.connection.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
    for (const [topic, { records, settle }] of this.outgoing) {
      this.outgoing.delete(topic);
      try {
        for (const chunk of chunksOf(records, maxPayload)) this.connection.publish(topic, encodeRecords(chunk));
        for (const { resolve } of settle) resolve();
      } catch (error) {
        const refused = toLinkerError(error, `publish to ${topic}`);
        for (const { reject } of settle) reject(refused);
      }
    }
  }
}

/** `records` cut, in order, into runs that each encode within `maxPayload` bytes (a record too large alone stays alone). */
function chunksOf(records: BusRecord[], maxPayload: number): BusRecord[][] {
  if (encodedSize(records) <= maxPayload) return [records];
  return chunksBySize(records, batchedSize, maxPayload, BATCH_HEADER_BYTES).map((chunk) => chunk.items);
}
