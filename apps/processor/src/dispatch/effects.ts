import type { Delivery, DeliveryFlags, DeliveryTarget, Envelope, Lane, SocketAddress, WebhookEvent } from '@linker/contracts';
import type { IdWindow } from '@linker/kernel';
import type { DeadLetter, MailboxEntry } from '@linker/mailbox';
import { targetsByConnector } from '../sockets/by-connector';

/** One record for a connector's lane topic. */
export interface Outgoing {
  lane: Lane;
  connector: string;
  /** The ordering key: records with one key reach the connector in the order they were added. */
  key: string;
  delivery: Delivery;
}

/** A mailbox store, and sockets of the user it is not handed to once stored (`storedToSockets`). */
export interface StoredEntry extends MailboxEntry {
  /** The sockets that hold the message already (a parked one: they wait for its ack). */
  heldBy?: readonly string[];
  /** The sockets that could not take it (no room, closing): it waits for their next fetch. */
  failedOn?: readonly string[];
}

/** One envelope for the neighbour `nextHop` (ADR 0009). */
export interface Forward {
  nextHop: string;
  envelope: Envelope;
}

/**
 * What handling one intake envelope must make durable: deliveries to connectors, mailbox writes and removals,
 * dead letters. Handlers only add to it; the `Dispatcher` writes a whole batch's effects at once, so a handler
 * attempt that fails leaves nothing behind (its `Effects` is dropped) and a batch commits only once all is written.
 */
export class Effects {
  readonly outgoing: Outgoing[] = [];
  readonly forwards: Forward[] = [];
  readonly stored: StoredEntry[] = [];
  readonly removed: Array<{ userId: string; ids: string[] }> = [];
  readonly deadLetters: DeadLetter[] = [];
  /** CHANNEL_INTEREST announcements for every processor of this domain (`interestTopic`). */
  readonly announced: Envelope[] = [];
  /** Webhook events for the apps' backends (docs/protocol.md, Webhooks), queued with the rest of the batch. */
  readonly webhooks: WebhookEvent[] = [];
  private readonly claims: Array<{ window: IdWindow; id: string }> = [];

  /** One Delivery of `envelope` to `targets` on `connector` (`flags` set only when true, so records stay small). */
  deliver(lane: Lane, connector: string, key: string, envelope: Envelope, targets: DeliveryTarget[], flags: DeliveryFlags = {}): void {
    const delivery: Delivery = { envelope, targets };
    if (flags.fromMailbox) delivery.fromMailbox = true;
    if (flags.ifRoom) delivery.ifRoom = true;
    this.outgoing.push({ lane, connector, key, delivery });
  }

  /** `envelope` to every listed socket of every listed user: one Delivery per connector. */
  deliverToSockets(
    lane: Lane,
    key: string,
    envelope: Envelope,
    sockets: Iterable<readonly [string, readonly SocketAddress[]]>,
    flags: DeliveryFlags = {},
  ): void {
    for (const [connector, targets] of targetsByConnector(sockets)) this.deliver(lane, connector, key, envelope, targets, flags);
  }

  /** `envelope` to the one socket it came from (replies, errors, fetch results). */
  deliverToSocket(lane: Lane, key: string, envelope: Envelope, userId: string, socket: SocketAddress, flags: DeliveryFlags = {}): void {
    this.deliver(lane, socket.connector, key, envelope, [{ userId, socketIds: [socket.socketId] }], flags);
  }

  /** `envelope` to the neighbour `nextHop`: RELIABLE into its custody queue, FAST over the link if it is up. */
  forward(nextHop: string, envelope: Envelope): void {
    this.forwards.push({ nextHop, envelope });
  }

  /** Store `envelope` in the mailbox of `userId`; `sockets`: those of `userId` it is not to be handed to then. */
  store(userId: string, envelope: Envelope, sockets: Pick<StoredEntry, 'heldBy' | 'failedOn'> = {}): void {
    this.stored.push({ userId, envelope, ...sockets });
  }

  /** Tell every processor of this domain about a CHANNEL_INTEREST (FAST: at most once; it is announced again). */
  announce(envelope: Envelope): void {
    this.announced.push(envelope);
  }

  /** Queue a webhook event; the app's webhook settings decide whether it is sent. */
  notify(event: WebhookEvent): void {
    this.webhooks.push(event);
  }

  remove(userId: string, ids: string[]): void {
    if (ids.length > 0) this.removed.push({ userId, ids });
  }

  deadLetter(letter: DeadLetter): void {
    this.deadLetters.push(letter);
  }

  /**
   * Claim `id` in `window` for these effects: false if it is there already (seen, or claimed by other effects). The
   * claim stays if these effects become durable and is undone by `release` if they are dropped, so a failure never
   * leaves an id marked done that was not.
   */
  claim(window: IdWindow, id: string): boolean {
    if (!window.addNew(id)) return false;
    this.claims.push({ window, id });
    return true;
  }

  /** These effects are dropped (the attempt failed, or they could not be written): undo their claims. */
  release(): void {
    for (const { window, id } of this.claims.splice(0)) window.delete(id);
  }
}
