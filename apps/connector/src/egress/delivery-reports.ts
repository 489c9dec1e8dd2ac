import { MAX_REPORT_BYTES, type Delivered, type DeliveryReport, type Parked, type Undelivered } from '@linker/contracts';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { BatchSink, Parkable, ReportSink } from './delivery-fate';

/** A report as the connector builds it: every list present. */
type BuiltReport = Required<DeliveryReport>;

const DELIVERED_BYTES = 256;

/** Collects report entries and cuts them into reports of bounded size. */
class ReportBuilder {
  private reports: BuiltReport[] = [];
  private current: BuiltReport | undefined;
  private bytes = 0;
  private count = 0;

  delivered(entry: Delivered): void {
    this.room(DELIVERED_BYTES + (entry.reference?.length ?? 0)).delivered.push(entry);
  }

  undelivered(entry: Undelivered, bytes: number): void {
    this.room(bytes).undelivered.push(entry);
  }

  parked(entry: Parked, bytes: number): void {
    this.room(bytes).parked.push(entry);
  }

  get size(): number {
    return this.count;
  }

  /** The reports so far (none when nothing was added); the builder starts empty again. */
  take(): BuiltReport[] {
    const reports = this.reports;
    this.reports = [];
    this.current = undefined;
    this.bytes = 0;
    this.count = 0;
    return reports;
  }

  private room(bytes: number): BuiltReport {
    this.count += 1;
    if (this.current === undefined || (this.bytes > 0 && this.bytes + bytes > MAX_REPORT_BYTES)) {
      this.current = { delivered: [], undelivered: [], parked: [] };
      this.reports.push(this.current);
      this.bytes = 0;
    }
    this.bytes += bytes;
    return this.current;
  }
}

/**
 * The report of one batch of deliveries: entries settled while the batch is handled are collected here and published
 * with the batch (before it is committed). `seal` cuts the report, parking what ack-mode sockets still hold
 * unacknowledged; entries settled after that (slow writes, acknowledgements) wait until `release`, which the egress
 * calls once the report is published (or failed to be), and then go on to the outbox: so a `delivered` of a parked
 * message is never published before the report that parks it.
 */
export class BatchReport implements BatchSink {
  private readonly builder = new ReportBuilder();
  private readonly parking: Parkable[] = [];
  /** Parkables not taken yet, and who waits for them all to be taken (`acksOrTimeout`). */
  private unacked = 0;
  private allAcked: (() => void) | undefined;
  /** Entries settled between `seal` and `release`, in order. */
  private late: Array<(sink: ReportSink) => void> | undefined;
  private next: ReportSink | undefined;

  /**
   * `outbox`: where the deliveries of fetched messages go at once. The mailbox keeps such a message until their report
   * removes it, so the batch need not wait for that report: if it is lost, the message is fetched again (the SDK drops
   * the repeat by id in ack mode). Without it they stay in the batch's report.
   */
  constructor(private readonly outbox?: ReportSink) {}

  delivered(entry: Delivered): void {
    if (this.next) this.next.delivered(entry);
    else if (this.late) this.late.push((sink) => sink.delivered(entry));
    // Before the cut nothing is parked yet: a delivery from the mailbox here is of a fetched message.
    else if (entry.fromMailbox && this.outbox) this.outbox.delivered(entry);
    else this.builder.delivered(entry);
  }

  undelivered(entry: Undelivered, bytes: number): void {
    if (this.next) this.next.undelivered(entry, bytes);
    else if (this.late) this.late.push((sink) => sink.undelivered(entry, bytes));
    else this.builder.undelivered(entry, bytes);
  }

  /** Park `parkable` when the report is cut, unless settled by then. Only while the batch is handled (before `seal`). */
  park(parkable: Parkable): void {
    this.parking.push(parkable);
    this.unacked += 1;
  }

  unparked(): void {
    if (--this.unacked === 0) this.allAcked?.();
  }

  /**
   * Resolves once every message an ack-mode socket holds from this batch is acknowledged, or after `windowMs`: what is
   * acknowledged by then need not be parked (a mailbox store and a removal each). At once when nothing is held.
   */
  acksOrTimeout(windowMs: number): Promise<void> {
    if (this.unacked <= 0 || windowMs <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.allAcked = undefined;
        resolve();
      };
      const timer = setTimeout(done, windowMs);
      this.allAcked = done;
    });
  }

  /** Cut the report: returns what to publish for the batch (usually one report, none when empty). */
  seal(): DeliveryReport[] {
    for (const parkable of this.parking.splice(0)) {
      const parked = parkable.park();
      if (parked) this.builder.parked(parked.entry, parked.bytes);
    }
    this.late = [];
    return this.builder.take();
  }

  /** The sealed report was published, or could not be: what settled since, and anything later, goes on to `next`. */
  release(next: ReportSink): void {
    const late = this.late ?? [];
    this.late = undefined;
    this.next = next;
    for (const add of late) add(next);
  }
}

/**
 * Entries settled outside any batch (a write that completed late, a MESSAGE_ACK, a socket that closed before its
 * writes completed): coalesced for one event-loop turn and published as DELIVERY_REPORTs; a failed publish is retried with
 * backoff until it succeeds or `drain` gives up. Bounded: past `maxEntries` waiting, new entries are dropped and logged.
 */
export class ReportOutbox implements ReportSink {
  private pending = new ReportBuilder();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly publish: (reports: DeliveryReport[]) => Promise<void>,
    private readonly logger: Logger,
    private readonly maxEntries = 100_000,
  ) {}

  delivered(entry: Delivered): void {
    if (this.admit()) this.pending.delivered(entry);
  }

  undelivered(entry: Undelivered, bytes: number): void {
    if (this.admit()) this.pending.undelivered(entry, bytes);
  }

  /** Shutdown: publish what waits, retrying until nothing waits or `attempts` publishes failed; then stop retrying. */
  async drain(attempts = 3): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (let failed = 0; failed < attempts;) {
      await this.flushing;
      if (this.pending.size === 0) return;
      if (!(await this.flush())) failed += 1;
    }
    this.logger.error('delivery reports lost at shutdown', { entries: this.pending.size });
  }

  private admit(): boolean {
    if (this.pending.size >= this.maxEntries) {
      this.logger.error('delivery report outbox full; entry dropped', { entries: this.pending.size });
      return false;
    }
    this.schedule(0);
    return true;
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.timer !== undefined || this.flushing !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  /** One publish of everything waiting; true when it succeeded (or nothing waited). */
  private async flush(): Promise<boolean> {
    if (this.flushing !== undefined) return this.flushing.then(() => this.pending.size === 0);
    const reports = this.pending.take();
    if (reports.length === 0) return true;
    let ok = true;
    this.flushing = this.publish(reports).then(
      () => void (this.failures = 0),
      (error: unknown) => {
        ok = false;
        this.failures += 1;
        this.logger.warn('delivery report could not be published; retrying', { error: errorMessage(error) });
        for (const report of reports) this.restore(report);
      },
    );
    await this.flushing;
    this.flushing = undefined;
    if (this.pending.size > 0) this.schedule(ok ? 0 : Math.min(100 * 2 ** this.failures, 5_000));
    return ok;
  }

  private restore(report: BuiltReport): void {
    const size = (entry: { envelope: { data?: unknown } }): number => JSON.stringify(entry.envelope.data ?? '').length + 512;
    for (const entry of report.delivered) this.pending.delivered(entry);
    for (const entry of report.undelivered) this.pending.undelivered(entry, size(entry));
    for (const entry of report.parked) this.pending.parked(entry, size(entry));
  }
}
