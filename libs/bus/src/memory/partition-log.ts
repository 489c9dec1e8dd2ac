import type { BusRecord } from '../bus.port';

/** Below this many dropped slots the array is not compacted: a copy would cost more than the slots hold. */
const MIN_COMPACTION = 1_024;

/**
 * One partition of the twin's RELIABLE log, like a Kafka partition: offsets start at 0 and only grow; the records
 * below `start` (the log start offset) are gone, those from `start` to `end` are retained. Records from
 * `highWatermark` to `end` are staged: held but not readable yet (a persisted topic's records until they are durable,
 * as Kafka's consumers read only up to the high watermark); `append` makes a record readable at once.
 *
 * Truncation is amortised O(1) per record: a dropped record's slot is cleared at once (its buffer can be collected)
 * and the array of slots is compacted only once the cleared prefix is at least half of it (and `MIN_COMPACTION`
 * long), or reset when nothing is retained — never one `shift` per record.
 */
export class PartitionLog {
  private slots: Array<BusRecord | undefined> = [];
  /** Index in `slots` of the record at offset `start`. */
  private head = 0;
  private base = 0;
  /** Offset below which records are readable. */
  private watermark = 0;

  /** A partition restored from a store: `records` hold offsets `start`, `start + 1`, ...; all readable. */
  static restore(start: number, records: readonly BusRecord[]): PartitionLog {
    const log = new PartitionLog();
    log.base = start;
    log.slots = [...records];
    log.watermark = log.end;
    return log;
  }

  /** The offset of the first retained record (Kafka's log start offset). */
  get start(): number {
    return this.base;
  }

  /** The offset the next appended record gets (Kafka's log end offset, the high watermark here). */
  get end(): number {
    return this.base + this.slots.length - this.head;
  }

  /** Records held: `end - start`. */
  get retained(): number {
    return this.slots.length - this.head;
  }

  /** The offset below which records are readable (Kafka's high watermark): `end` unless records are staged. */
  get highWatermark(): number {
    return this.watermark;
  }

  /** Append a record, readable at once (and everything staged before it); returns its offset. */
  append(record: BusRecord): number {
    this.slots.push(record);
    this.watermark = this.end;
    return this.end - 1;
  }

  /** Append a record that is not readable until `expose` reaches past its offset; returns its offset. */
  stage(record: BusRecord): number {
    this.slots.push(record);
    return this.end - 1;
  }

  /** Make the records below `offset` (clamped to `end`) readable; never moves the watermark back. */
  expose(offset: number): void {
    this.watermark = Math.max(this.watermark, Math.min(offset, this.end));
  }

  /** At most `max` readable records from offset `from` (clamped to `start`), in offset order. */
  read(from: number, max: number): BusRecord[] {
    const first = this.head + Math.max(0, from - this.base);
    const readable = this.head + Math.max(0, this.watermark - this.base);
    return this.slots.slice(first, Math.min(first + max, readable)) as BusRecord[];
  }

  /** Drop every record below `offset` (clamped to `end`; staged ones too); never moves `start` back. */
  truncateTo(offset: number): void {
    const drop = Math.min(offset, this.end) - this.base;
    if (drop <= 0) return;
    for (let i = this.head; i < this.head + drop; i++) this.slots[i] = undefined;
    this.head += drop;
    this.base += drop;
    if (this.head === this.slots.length) {
      this.slots = [];
      this.head = 0;
    } else if (this.head >= MIN_COMPACTION && this.head * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
  }
}
