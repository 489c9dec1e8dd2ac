import type { AnalyticsRecorder } from '@linker/analytics';
import { clientFrameBytes, type Delivery } from '@linker/contracts';
import type { Clock } from '@linker/kernel';
import type { SessionRegistry } from '../sessions/session-registry';
import type { Session } from '../sessions/session';
import { DeliveryFate, type BatchSink } from './delivery-fate';

/**
 * Writes client-visible deliveries (MESSAGE, MESSAGE_CONFIRMATION, presence events, FETCH_MISSING_MESSAGES_COMPLETE,
 * INVALID_MESSAGE, ...) to the sockets they name. Guarantees:
 * - the frame is made once per delivery and the same bytes go to every socket;
 * - a socket gets it only if it exists and is AUTHENTICATED as the target user, and, for an `ifRoom` delivery, only if
 *   its send queue has room for it (`Session.hasRoomFor`): else that socket counts as failed and stays open;
 * - at most once per (socket, message id) within the socket's de-duplication window; a duplicate counts as taken,
 *   so a redelivered batch reports the same outcome again; one still waiting for its ack waits for it again (the new
 *   delivery takes over the hold, and is parked again);
 * - on an ack-mode socket a MESSAGE is held until MESSAGE_ACK (other frames carry no id and count once written), and a
 *   RELIABLE live one is parked in the mailbox with the batch's report (see `DeliveryFate`);
 * - the outcome per recipient goes to `sink` (see `DeliveryFate`); nothing is tracked for a FAST envelope that wants no
 *   confirmation;
 * - each MESSAGE written to a socket counts once in the analytics of the recipient's app (`deliveries`).
 */
export class DeliveryWriter {
  constructor(
    private readonly sessions: SessionRegistry,
    private readonly clock: Clock,
    private readonly analytics?: AnalyticsRecorder,
  ) {}

  /** Write `delivery` to its sockets; true when its outcome is followed (it will reach `sink`), false when not. */
  write(delivery: Delivery, sink: BatchSink): boolean {
    const { envelope } = delivery;
    const frame = clientFrameBytes(envelope);
    const fromMailbox = delivery.fromMailbox === true;
    const tracked = envelope.lane === 'RELIABLE' || envelope.confirm === true || fromMailbox;
    const ackable = envelope.type === 'MESSAGE';
    const ifRoom = delivery.ifRoom === true;
    const now = this.clock.now();
    for (const { userId, socketIds } of delivery.targets) {
      const fate = tracked ? new DeliveryFate(envelope, userId, fromMailbox, frame.length, sink) : undefined;
      for (const socketId of socketIds) this.writeOne(socketId, userId, envelope.id, frame, fate, ackable, ifRoom, now);
      fate?.done();
    }
    return tracked;
  }

  private writeOne(
    socketId: string,
    userId: string,
    id: string,
    frame: Buffer,
    fate: DeliveryFate | undefined,
    ackable: boolean,
    ifRoom: boolean,
    now: number,
  ): void {
    const session = this.sessions.get(socketId);
    if (
      session === undefined ||
      session.state !== 'AUTHENTICATED' ||
      session.userId !== userId ||
      (ifRoom && !session.hasRoomFor(frame.length))
    ) {
      fate?.missed(socketId);
      return;
    }
    const written = session.written();
    if (written.has(id, now)) {
      if (fate !== undefined) this.repeated(session, id, fate);
      return;
    }
    const ackHolder = ackable && session.ackMode ? fate : undefined;
    fate?.hold();
    if (!session.send(frame, fate !== undefined && ackHolder === undefined ? fate.writeDone(socketId) : undefined)) {
      fate?.fail(socketId);
      return;
    }
    written.add(id, now);
    if (ackable) this.analytics?.count(session.app, 'deliveries');
    if (ackHolder !== undefined) this.holdForAck(session, id, ackHolder);
  }

  /** `id` was written to `session` already: still unacknowledged, `fate` waits for its ack instead; else it is taken. */
  private repeated(session: Session, id: string, fate: DeliveryFate): void {
    fate.hold();
    if (session.holds(id)) this.holdForAck(session, id, fate);
    else fate.reach();
  }

  private holdForAck(session: Session, id: string, fate: DeliveryFate): void {
    fate.awaitAck(session.id);
    session.hold(id, fate);
  }
}
