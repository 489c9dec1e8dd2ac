import type { Delivered, DeliveryReport, Envelope } from '@linker/contracts';
import type { HeldDelivery } from '../sessions/session';
import type { WriteDone } from '../socket/client-socket';

export type Undelivered = DeliveryReport['undelivered'][number];

/** Where the outcome of deliveries goes: the report of the batch being handled, or the outbox once it was published. */
export interface ReportSink {
  delivered(entry: Delivered): void;
  /** `bytes`: about the size of the entry once encoded (to keep each report below the broker's record limit). */
  undelivered(entry: Undelivered, bytes: number): void;
}

/**
 * What became of one envelope for one recipient user across the sockets a `Delivery` names (SPEC §3.2, §3.3).
 * - delivered once ANY socket took it: ws handed the frame to the kernel, or, on an ack-mode socket, the client sent
 *   MESSAGE_ACK; reported only when a follow-up is wanted (`confirm` or `fromMailbox`), and only once;
 * - undelivered once NO socket can take it any more (gone, closed, slow consumer, closed unacknowledged): reported
 *   only for RELIABLE envelopes, with the sockets that failed, so the processor stores it in the mailbox.
 * It starts with one hold (the delivery loop's own, released by `done`), so it cannot settle half-way through the loop.
 */
export class DeliveryFate implements HeldDelivery {
  private holding = 1;
  private reached = false;
  private settled = false;
  private failedSocketIds: string[] | undefined;

  constructor(
    private readonly envelope: Envelope,
    private readonly userId: string,
    private readonly fromMailbox: boolean,
    private readonly frameBytes: number,
    private readonly sink: ReportSink,
  ) {}

  /** A socket now holds the frame (written or waiting for an ack). */
  hold(): void {
    this.holding += 1;
  }

  /** A socket that held it took it (written, or acknowledged). */
  reach(): void {
    this.holding -= 1;
    if (this.reached) return;
    this.reached = true;
    if (this.envelope.confirm === true || this.fromMailbox) this.sink.delivered(this.deliveredEntry());
  }

  /** A socket that held it lost it. */
  fail(socketId: string): void {
    this.holding -= 1;
    this.missed(socketId);
    this.settleIfLost();
  }

  /** A socket named by the delivery could not even be tried (gone, not this user's, closing). */
  missed(socketId: string): void {
    (this.failedSocketIds ??= []).push(socketId);
  }

  /** The delivery loop is over: release its own hold. */
  done(): void {
    this.holding -= 1;
    this.settleIfLost();
  }

  /** The write callback for one socket holding the frame. */
  writeDone(socketId: string): WriteDone {
    return (error) => (error === undefined ? this.reach() : this.fail(socketId));
  }

  private settleIfLost(): void {
    if (this.holding > 0 || this.reached || this.settled || this.envelope.lane !== 'RELIABLE') return;
    this.settled = true;
    this.sink.undelivered({ userId: this.userId, envelope: this.envelope, failedSocketIds: this.failedSocketIds ?? [] }, this.frameBytes + 512);
  }

  private deliveredEntry(): Delivered {
    const { id, from, reference, confirm } = this.envelope;
    return { id, userId: this.userId, from, reference, confirm, fromMailbox: this.fromMailbox || undefined };
  }
}
