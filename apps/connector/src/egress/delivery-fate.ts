import type { Delivered, Envelope, Parked, Undelivered } from '@linker/contracts';
import type { HeldDelivery } from '../sessions/session';
import type { WriteDone } from '../socket/client-socket';

/** Where the outcome of deliveries goes: the report of the batch being handled, or the outbox once it was published. */
export interface ReportSink {
  delivered(entry: Delivered): void;
  /** `bytes`: about the size of the entry once encoded (to keep each report below the broker's record limit). */
  undelivered(entry: Undelivered, bytes: number): void;
}

/** A parked entry and about its size once encoded. */
export interface ParkedEntry {
  entry: Parked;
  bytes: number;
}

/** A delivery an ack-mode socket holds, to be parked in the mailbox with its batch's report unless settled by then. */
export interface Parkable {
  /** The batch's report is being cut: if nothing settled it yet, it counts as parked from now on; its entry. */
  park(): ParkedEntry | undefined;
}

/** The sink of the batch being handled, which can also park what ack-mode sockets hold when its report is cut. */
export interface BatchSink extends ReportSink {
  park(parkable: Parkable): void;
  /** A parkable given to `park` was taken (acknowledged) before the report was cut: it will not be parked. */
  unparked(): void;
}

/**
 * Where a `DeliveryFate` stands. Until a socket takes it, a message is `live` (from the batch) or `fetched` (from the
 * mailbox); once no socket holds it any more, a RELIABLE one still there is reported `undelivered`. `parked`: it is in
 * the mailbox and stays there until a socket takes it, and is never reported undelivered: parked with the batch's
 * report, or fetched and then left unacknowledged by an ack-mode socket that closed. `delivered`: a socket took it.
 * Only `delivered` and `undelivered` are final, and each is reached once.
 */
type FateState = 'live' | 'fetched' | 'parked' | 'delivered' | 'undelivered';

/**
 * What became of one envelope for one recipient user across the sockets a `Delivery` names (docs/protocol.md, Delivery).
 * - delivered once ANY socket took it: ws handed the frame to the kernel, or, on an ack-mode socket, the client sent
 *   MESSAGE_ACK; reported only when a follow-up is wanted (`confirm`, or it is in the mailbox), and only once;
 * - parked when an ack-mode socket holds a RELIABLE live message as the batch's report is cut: the report carries it
 *   to the mailbox, so a connector crash before the ack loses nothing; from then on it is in the mailbox, so its
 *   delivery is reported `fromMailbox` (removed there) and a close before the ack reports nothing (it stays there);
 * - undelivered once NO socket can take it any more (gone, closed, slow consumer) and it is not in the mailbox:
 *   reported only for RELIABLE envelopes, with the sockets that failed, so the processor stores it in the mailbox.
 * It starts with one hold (the delivery loop's own, released by `done`), so it cannot settle half-way through the loop.
 */
export class DeliveryFate implements HeldDelivery, Parkable {
  private state: FateState;
  /** Holds not released yet: the delivery loop's own, and one per socket that has the frame (written, or awaiting an ack). */
  private holding = 1;
  /** The ack-mode sockets holding a RELIABLE live message, which is parked once the first of them holds it. */
  private holders: string[] | undefined;
  private failedSocketIds: string[] | undefined;

  constructor(
    private readonly envelope: Envelope,
    private readonly userId: string,
    fromMailbox: boolean,
    private readonly frameBytes: number,
    private readonly sink: BatchSink,
  ) {
    this.state = fromMailbox ? 'fetched' : 'live';
  }

  /** A socket now holds the frame (written or waiting for an ack). */
  hold(): void {
    this.holding += 1;
  }

  /** The socket holding it is in ack mode: a RELIABLE live message is to be parked with the batch's report. */
  awaitAck(socketId: string): void {
    if (this.state !== 'live' || this.envelope.lane !== 'RELIABLE') return;
    if (this.holders === undefined) this.sink.park(this);
    (this.holders ??= []).push(socketId);
  }

  park(): ParkedEntry | undefined {
    if (this.state !== 'live') return undefined;
    this.state = 'parked';
    return { entry: { userId: this.userId, envelope: this.envelope, socketIds: this.holders }, bytes: this.frameBytes + 512 };
  }

  /** A socket that held it took it (written, or acknowledged). */
  reach(): void {
    this.holding -= 1;
    if (this.state === 'delivered') return;
    const fromMailbox = this.inMailbox();
    if (this.state === 'live' && this.holders !== undefined) this.sink.unparked();
    this.state = 'delivered';
    if (this.envelope.confirm === true || fromMailbox) this.sink.delivered(this.deliveredEntry(fromMailbox));
  }

  /** A socket that held it lost it. */
  fail(socketId: string): void {
    this.holding -= 1;
    this.missed(socketId);
    this.settleIfLost();
  }

  /** The ack-mode socket holding it closed unacknowledged: in the mailbox, it stays there; else that socket failed. */
  dropped(socketId: string): void {
    if (!this.inMailbox()) return this.fail(socketId);
    this.holding -= 1;
    this.state = 'parked';
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

  private inMailbox(): boolean {
    return this.state === 'fetched' || this.state === 'parked';
  }

  /** Nothing holds it any more and no socket took it: a RELIABLE one not parked is reported undelivered, once. */
  private settleIfLost(): void {
    if (this.holding > 0 || (this.state !== 'live' && this.state !== 'fetched') || this.envelope.lane !== 'RELIABLE') return;
    this.state = 'undelivered';
    this.sink.undelivered(
      { userId: this.userId, envelope: this.envelope, failedSocketIds: this.failedSocketIds ?? [] },
      this.frameBytes + 512,
    );
  }

  private deliveredEntry(fromMailbox: boolean): Delivered {
    const { id, from, reference, confirm, path } = this.envelope;
    const entry: Delivered = { id, userId: this.userId, from, reference, confirm, fromMailbox: fromMailbox || undefined };
    if (confirm === true && path.length > 1) entry.path = path; // crossed domains: the confirmation says how
    return entry;
  }
}
