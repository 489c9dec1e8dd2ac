import { SequenceAccounting } from './accounting';
import { LatencyHistogram } from './histogram';
import { decodePayload } from './payload';
import type { StepResult } from './results';
import type { ProcessUsage } from './proc-stats';

/** The measured window of a step, in microseconds of the load process's clock: warm-up before it is not recorded. */
export interface Window {
  fromUs: number;
  toUs: number;
}

/**
 * Everything one rate step records: sends and arrivals by sequence number, the three histograms (open-loop latency,
 * service time, send lag) over the measured window only, and the counts for the offered/sent/achieved rates.
 * Arrivals of another step (late messages of a previous one) are counted as stale and otherwise ignored.
 */
export class StepRecorder {
  readonly accounting: SequenceAccounting;
  readonly latency = new LatencyHistogram();
  readonly service = new LatencyHistogram();
  readonly sendLag = new LatencyHistogram();
  sentInWindow = 0;
  receivedInWindow = 0;
  stale = 0;

  constructor(
    readonly step: number,
    senders: number,
    readonly window: Window,
  ) {
    this.accounting = new SequenceAccounting(senders);
  }

  private inWindow(us: number): boolean {
    return us >= this.window.fromUs && us < this.window.toUs;
  }

  noteSent(sender: number, seq: number, intendedUs: number, sentUs: number): void {
    this.accounting.noteSent(sender, seq);
    if (this.inWindow(intendedUs)) {
      this.sentInWindow++;
      this.sendLag.recordMicros(sentUs - intendedUs);
    }
  }

  noteReceived(content: string, nowUs: number): void {
    const header = decodePayload(content);
    if (!header) return;
    if (header.step !== this.step) {
      this.stale++;
      return;
    }
    if (this.accounting.noteReceived(header.sender, header.seq) !== 'first') return;
    if (this.inWindow(nowUs)) this.receivedInWindow++;
    if (this.inWindow(header.intendedUs)) {
      this.latency.recordMicros(nowUs - header.intendedUs);
      this.service.recordMicros(nowUs - header.sentUs);
    }
  }

  /** All sent messages have arrived (the drain can stop). */
  get complete(): boolean {
    return this.accounting.receivedTotal >= this.accounting.sentTotal;
  }

  result(offeredRate: number, connections: number, processes: ProcessUsage[], hostCpuPercent = 0): StepResult {
    const seconds = (this.window.toUs - this.window.fromUs) / 1e6;
    return {
      offeredRate,
      durationS: seconds,
      connections,
      sentRate: Math.round(this.sentInWindow / seconds),
      achievedRate: Math.round(this.receivedInWindow / seconds),
      delivery: this.accounting.counts(),
      latency: this.latency.summary(),
      service: this.service.summary(),
      sendLag: this.sendLag.summary(),
      processes,
      hostCpuPercent,
    };
  }
}
