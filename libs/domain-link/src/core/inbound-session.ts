import type { Envelope } from '@linker/contracts';
import { LinkerError, errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { LinkCloseName } from '../link-close-codes';
import { decodeServerFrame, type AckFrame, type NackFrame } from '../link-frames';
import type { LinkLimits } from '../link-limits';
import type { ReceiveHandler } from '../link.port';
import { TokenBucket } from '../token-bucket';
import type { InboundRegistry } from './inbound-registry';

export interface InboundSessionOptions {
  peer: string;
  limits: Readonly<LinkLimits>;
  onReceive: ReceiveHandler;
  registry: InboundRegistry;
  logger: Logger;
  reply(frame: AckFrame | NackFrame): void;
  /** Cut the connection with a close code of the table (already logged). */
  cut(name: LinkCloseName, detail: string): void;
}

/**
 * The receiving side of one authenticated connection: checks each batch frame (JSON, schema, envelopes, limits, rate),
 * hands batches to the receive handler one at a time in order, and answers ack (after the handler resolved) or nack.
 * Anything wrong cuts the connection: the peer is misbehaving or misconfigured, and the domain goes on serving.
 */
export class InboundSession {
  private tail: Promise<void> = Promise.resolve();
  private readonly bucket: TokenBucket;
  private lastSeq = 0;
  private unanswered = 0;
  private open = true;

  constructor(private readonly options: InboundSessionOptions) {
    this.bucket = new TokenBucket(options.limits.inboundEnvelopesPerSecond, options.limits.inboundBurst);
  }

  frame(data: Buffer): void {
    if (!this.open) return;
    const { limits, registry, peer } = this.options;
    if (data.length > limits.maxFrameBytes) return this.cut('TOO_BIG', `a frame of ${data.length} bytes`);
    let frame;
    try {
      frame = decodeServerFrame(data);
    } catch (error) {
      return this.cut('PROTOCOL_ERROR', errorMessage(error));
    }
    if (frame.type !== 'batch') return this.cut('PROTOCOL_ERROR', 'a hello after the handshake');
    if (frame.seq <= this.lastSeq) return this.cut('PROTOCOL_ERROR', `seq ${frame.seq} after ${this.lastSeq}`);
    if (frame.envelopes.length > limits.maxBatchEnvelopes) {
      return this.cut('PROTOCOL_ERROR', `${frame.envelopes.length} envelopes in one batch (limit ${limits.maxBatchEnvelopes})`);
    }
    if (this.unanswered >= limits.maxInFlightBatches) return this.cut('FLOOD', `over ${limits.maxInFlightBatches} unanswered batches`);
    if (!this.bucket.take(frame.envelopes.length)) return this.cut('FLOOD', `over ${limits.inboundEnvelopesPerSecond} envelopes/s`);
    this.lastSeq = frame.seq;
    const counters = registry.of(peer);
    counters.receivedBatches += 1;
    counters.receivedEnvelopes += frame.envelopes.length;
    counters.receivedBytes += data.length;
    const { seq, envelopes } = frame;
    this.unanswered += 1;
    this.tail = this.tail.then(() => this.handle(seq, envelopes));
  }

  /** The connection ended: batches still queued are not handed over, answers are not sent. */
  stop(): void {
    this.open = false;
  }

  private async handle(seq: number, envelopes: Envelope[]): Promise<void> {
    if (!this.open) return;
    try {
      await this.store(seq, envelopes);
    } finally {
      this.unanswered -= 1;
    }
  }

  private async store(seq: number, envelopes: Envelope[]): Promise<void> {
    try {
      await this.options.onReceive(this.options.peer, envelopes);
      if (this.open) this.options.reply({ type: 'ack', seq });
    } catch (error) {
      this.options.registry.of(this.options.peer).nacks += 1;
      this.options.logger.warn('link receive handler failed', { peer: this.options.peer, seq, error: errorMessage(error) });
      const code = error instanceof LinkerError ? error.code : 'RECEIVE_FAILED';
      if (this.open) this.options.reply({ type: 'nack', seq, error: code });
    }
  }

  private cut(name: LinkCloseName, detail: string): void {
    this.open = false;
    this.options.registry.of(this.options.peer).cuts += 1;
    this.options.cut(name, detail);
  }
}
