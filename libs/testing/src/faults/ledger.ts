export type LedgerLane = 'RELIABLE' | 'FAST';

/** What became of one message a fault case sent. */
interface Entry {
  readonly lane: LedgerLane;
  /** When it was sent (ms since the epoch). */
  readonly sentAt: number;
  /** From sending until it was first shown to its recipient, ms. */
  latencyMs?: number;
  accepted: boolean;
  /** The error code of the refusal, when it was refused. */
  refusedWith?: string;
  /** How many times an application (a recipient's `message` event) was shown it. */
  shown: number;
  confirmed: number;
}

/** The counts of one lane, and the invariants they break. */
export interface LaneCounts {
  sent: number;
  accepted: number;
  refused: number;
  /** Neither accepted nor refused: a silent refusal once the senders settled. */
  unanswered: number;
  delivered: number;
  /** Accepted and never shown to its recipient. */
  lost: number;
  /** Shown to its recipient more than once (extra showings). */
  duplicatesShown: number;
  /** Confirmed to the sender but never shown to the recipient. */
  confirmedWithoutDelivery: number;
  /** Refusals by error code. */
  refusals: Record<string, number>;
}

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LedgerReport {
  RELIABLE: LaneCounts;
  FAST: LaneCounts;
}

/**
 * The checker every fault case shares: per message (a token the test chooses, carried as the content and the
 * reference), whether the router accepted it (`ACCEPTED`), refused it (`INVALID_MESSAGE`), showed it to its recipient
 * (how often) and confirmed it. `violations()` lists what must never happen: on either lane a frame never answered,
 * a message shown twice, a confirmation without delivery; on the RELIABLE lane an accepted message lost (FAST losses
 * are only counted).
 */
export class MessageLedger {
  private readonly entries = new Map<string, Entry>();
  /** Showings and confirmations of tokens this ledger did not send (a bug of the router or of the test). */
  private readonly strays: string[] = [];

  sent(token: string, lane: LedgerLane): void {
    if (this.entries.has(token)) throw new Error(`token ${token} sent twice: tokens must be unique`);
    this.entries.set(token, { lane, sentAt: Date.now(), accepted: false, shown: 0, confirmed: 0 });
  }

  accepted(token: string): void {
    const entry = this.entry(token, 'ACCEPTED');
    if (entry) entry.accepted = true;
  }

  refused(token: string, code: string): void {
    const entry = this.entry(token, `refusal ${code}`);
    if (entry) entry.refusedWith = code;
  }

  shown(token: string): void {
    const entry = this.entry(token, 'message');
    if (!entry) return;
    entry.shown += 1;
    entry.latencyMs ??= Date.now() - entry.sentAt;
  }

  confirmed(token: string): void {
    const entry = this.entry(token, 'confirmation');
    if (entry) entry.confirmed += 1;
  }

  /** A mark in the order messages were sent: `shownSince(mark)` counts what was sent after it. */
  mark(): number {
    return this.entries.size;
  }

  /** RELIABLE messages sent after `mark` and shown to their recipient. */
  shownSince(mark: number): number {
    let shown = 0;
    let index = 0;
    for (const entry of this.entries.values()) if (index++ >= mark && entry.lane === 'RELIABLE' && entry.shown > 0) shown += 1;
    return shown;
  }

  /** Accepted RELIABLE messages not shown to their recipient yet: what the end of a case waits on. */
  undelivered(): string[] {
    return [...this.entries].filter(([, e]) => e.lane === 'RELIABLE' && e.accepted && e.shown === 0).map(([token]) => token);
  }

  /** From sending to first showing, of the `lane` messages shown: the median, the 99th percentile and the worst, ms. */
  latency(lane: LedgerLane): Latency {
    const sorted = [...this.entries.values()]
      .flatMap((e) => (e.lane === lane && e.latencyMs !== undefined ? [e.latencyMs] : []))
      .sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? 0 };
  }

  report(): LedgerReport {
    const report = { RELIABLE: emptyCounts(), FAST: emptyCounts() };
    for (const entry of this.entries.values()) {
      const counts = report[entry.lane];
      counts.sent += 1;
      if (entry.accepted) counts.accepted += 1;
      if (entry.refusedWith !== undefined) {
        counts.refused += 1;
        counts.refusals[entry.refusedWith] = (counts.refusals[entry.refusedWith] ?? 0) + 1;
      }
      if (!entry.accepted && entry.refusedWith === undefined) counts.unanswered += 1;
      if (entry.shown > 0) counts.delivered += 1;
      if (entry.accepted && entry.shown === 0) counts.lost += 1;
      counts.duplicatesShown += Math.max(0, entry.shown - 1);
      if (entry.confirmed > 0 && entry.shown === 0) counts.confirmedWithoutDelivery += 1;
    }
    return report;
  }

  /** What broke the RELIABLE promise, one line each; empty when nothing did. */
  violations(): string[] {
    const { RELIABLE: r, FAST: f } = this.report();
    const found: string[] = [];
    if (r.lost > 0) found.push(`${r.lost} accepted RELIABLE messages lost (e.g. ${this.undelivered().slice(0, 3).join(', ')})`);
    for (const [lane, counts] of [
      ['RELIABLE', r],
      ['FAST', f],
    ] as const) {
      if (counts.unanswered > 0) found.push(`${counts.unanswered} ${lane} frames neither accepted nor refused`);
      if (counts.duplicatesShown > 0) found.push(`${counts.duplicatesShown} ${lane} messages shown to an application twice`);
      if (counts.confirmedWithoutDelivery > 0)
        found.push(`${counts.confirmedWithoutDelivery} ${lane} messages confirmed but never delivered`);
    }
    if (this.strays.length > 0)
      found.push(`${this.strays.length} events for messages never sent (e.g. ${this.strays.slice(0, 3).join(', ')})`);
    return found;
  }

  private entry(token: string, what: string): Entry | undefined {
    const entry = this.entries.get(token);
    if (!entry) this.strays.push(`${what} of ${token}`);
    return entry;
  }
}

function emptyCounts(): LaneCounts {
  return {
    sent: 0,
    accepted: 0,
    refused: 0,
    unanswered: 0,
    delivered: 0,
    lost: 0,
    duplicatesShown: 0,
    confirmedWithoutDelivery: 0,
    refusals: {},
  };
}
