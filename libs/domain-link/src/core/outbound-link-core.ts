import type { Envelope } from '@linker/contracts';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { backoffDelay } from '../backoff';
import type { LinkCloseName } from '../link-close-codes';
import { LinkFailureError, linkClosed, linkDown, linkNack } from '../link-errors';
import { batchFrameText, prepareBatch } from '../link-frames';
import type { LinkLimits } from '../link-limits';
import type { LinkFailure, LinkStateChange, OutboundLink, OutboundLinkMetrics } from '../link.port';
import { LinkState } from './link-state';
import { PendingBatches } from './pending-batches';
import { SendWindow } from './send-window';

/** An authenticated connection to the peer, as a transport opened it. */
export interface LinkChannel {
  /** Write one frame (already within the limits). A write on a dying connection is lost; `closed` follows. */
  write(frame: string): void;
  /** Close with a code of the table; `closed` follows. */
  close(name: LinkCloseName, detail?: string): void;
}

/** What a transport reports about an open channel. `closed` is called once, and only after `open` resolved. */
export interface ChannelEvents {
  ack(seq: number): void;
  nack(seq: number, error: string): void;
  rtt(ms: number): void;
  closed(code: number, reason: string): void;
}

/**
 * Opens one connection and completes the handshake; rejects (a `LinkFailureError` saying why) when it cannot, or when
 * `signal` aborts. The transport's whole job: the rest (reconnect, pipelining, state, counters) is `OutboundLinkCore`.
 */
export type ChannelOpener = (events: ChannelEvents, signal: AbortSignal) => Promise<LinkChannel>;

/** An outbound link over any transport: reconnect loop with backoff, pipelined sends acknowledged by seq, state, counters. */
export class OutboundLinkCore implements OutboundLink {
  private channel: LinkChannel | undefined;
  private readonly pending = new PendingBatches();
  private readonly window: SendWindow;
  private readonly state: LinkState;
  private readonly counters = { sentEnvelopes: 0, sentBytes: 0, ackedEnvelopes: 0, tlsRefused: 0 };
  private lastRttMs: number | undefined;
  private lastFailure: LinkFailure | undefined;
  private nextSeq = 0;
  private closed = false;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();
  private readonly closing: Promise<void>;
  private stopped!: () => void;

  constructor(
    readonly peer: string,
    private readonly limits: Readonly<LinkLimits>,
    private readonly logger: Logger,
    private readonly open: ChannelOpener,
  ) {
    this.state = new LinkState(peer, logger);
    this.window = new SendWindow(limits.maxInFlightBatches);
    this.closing = new Promise<void>((resolve) => (this.stopped = resolve));
  }

  /** Start connecting (called once by the transport). */
  start(): this {
    this.loop = this.run();
    return this;
  }

  get up(): boolean {
    return this.state.up;
  }

  async send(envelopes: readonly Envelope[]): Promise<void> {
    if (this.closed) throw linkClosed(this.peer);
    if (envelopes.length === 0) return;
    const { parts } = prepareBatch(envelopes, this.limits.maxFrameBytes, this.limits.maxBatchEnvelopes);
    const channel = this.channel;
    if (channel === undefined) throw linkDown(this.peer, 'not connected');
    // Slots are taken synchronously, in order, so the frames of concurrent sends never interleave out of order.
    const acks = parts.map(async (part) => {
      await this.window.acquire();
      if (this.channel !== channel) {
        this.window.release();
        throw linkDown(this.peer, 'the connection changed while waiting');
      }
      const seq = ++this.nextSeq;
      const acked = this.pending.add(seq, part.count);
      channel.write(batchFrameText(seq, part.body));
      this.counters.sentEnvelopes += part.count;
      this.counters.sentBytes += part.bytes;
      return acked;
    });
    await Promise.all(acks);
  }

  onState(listener: (change: LinkStateChange) => void): () => void {
    return this.state.listen(listener);
  }

  metrics(): OutboundLinkMetrics {
    return {
      ...this.state.snapshot(),
      ...this.counters,
      inFlightBatches: this.pending.size,
      lastRttMs: this.lastRttMs,
      lastFailure: this.lastFailure,
    };
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.abort.abort();
      this.stopped();
      this.wake?.();
      this.channel?.close('NORMAL');
      this.window.reset(linkClosed(this.peer));
      this.pending.rejectAll(linkClosed(this.peer));
    }
    await this.loop;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.closed) {
      const ended = await this.connect();
      if (ended !== undefined) {
        attempt = 0;
        // close() does not wait for the peer's answer to the close frame (a dead peer would hold it up).
        await Promise.race([ended, this.closing]);
      }
      if (this.closed) break;
      attempt += 1;
      await this.sleep(backoffDelay(attempt, this.limits.backoffInitialMs, this.limits.backoffMaxMs));
    }
    this.state.set(false, 'closed');
  }

  /** One connection attempt: resolves with a promise of the connection's end, or undefined when it failed. */
  private async connect(): Promise<Promise<void> | undefined> {
    let current = false;
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const events: ChannelEvents = {
      ack: (seq) => current && this.answered(seq),
      nack: (seq, error) => current && this.answered(seq, error),
      rtt: (ms) => current && (this.lastRttMs = ms),
      closed: (code, reason) => {
        if (!current) return;
        current = false;
        this.lost(code, reason);
        end();
      },
    };
    try {
      const channel = await this.open(events, this.abort.signal);
      if (this.closed) {
        channel.close('NORMAL');
        return undefined;
      }
      current = true;
      this.channel = channel;
      this.state.set(true);
      return ended;
    } catch (error) {
      if (!this.closed) this.failed(error);
      return undefined;
    }
  }

  private answered(seq: number, nack?: string): void {
    const settled = this.pending.settle(seq, nack === undefined ? undefined : linkNack(this.peer, nack));
    if (settled === undefined) {
      this.channel?.close('PROTOCOL_ERROR', `answer for unknown seq ${seq}`);
      return;
    }
    this.window.release();
    this.lastRttMs = settled.rttMs;
    if (nack === undefined) this.counters.ackedEnvelopes += settled.count;
  }

  private lost(code: number, reason: string): void {
    this.channel = undefined;
    const why = `connection closed (${code}${reason ? ` ${reason}` : ''})`;
    this.window.reset(linkDown(this.peer, why));
    this.pending.rejectAll(linkDown(this.peer, why));
    if (!this.closed) this.lastFailure = { code: 'LINK_DOWN', closeCode: code, message: why, at: Date.now() };
    this.state.set(false, why);
  }

  private failed(error: unknown): void {
    const closeCode = error instanceof LinkFailureError ? error.closeCode : undefined;
    const code = error instanceof LinkFailureError ? error.code : 'LINK_UNREACHABLE';
    this.lastFailure = { code, closeCode, message: errorMessage(error), at: Date.now() };
    if (code === 'LINK_TLS_REFUSED') {
      this.counters.tlsRefused += 1;
      this.logger.error('link refused: TLS failed (the neighbour’s certificate did not verify, or it refused ours); dialing again later', {
        error: errorMessage(error),
      });
      return;
    }
    const level = code === 'LINK_UNREACHABLE' ? 'info' : 'warn';
    this.logger[level]('link connection failed', { code, closeCode, error: errorMessage(error) });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
