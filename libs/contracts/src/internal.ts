import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Envelope, envelopeHead, type SocketAddress } from './envelope';
import { encodeRecord, recordDecoder } from './record-codec';

/**
 * The internal protocol between connectors and processors of one domain (never accepted from a client).
 *
 * Intake (connector → processors): the topic/subject `intakeTopic(domain)`, records keyed by the sender (the claimed
 * user id for AUTH_CLIENT, the connector name for reports). Each record is one `Envelope` whose `type` is a client
 * type (`AUTH_CLIENT`, `REFRESH_TOKEN`, `MESSAGE`, `GROUP_MESSAGE`, `FETCH_MISSING_MESSAGES_REQUEST`, `CLOSE_CONNECTION`) or one of
 * `INTERNAL_TYPES` below. Client-originated envelopes carry `origin` (the socket they came in through).
 *
 * Egress (processor → one connector): the topic/subject `connectorTopic(domain, connector)`, keyed by the envelope's
 * sender, so one sender's messages reach a recipient in order. Each record is one `Delivery`: a client-visible
 * envelope and the sockets of that connector it is for.
 */
export const INTERNAL_TYPES = {
  /** Connector → processor: a socket of `data.userId` authenticated (after its presence was registered). */
  USER_CONNECTED: 'USER_CONNECTED',
  /** Connector → processor: an authenticated socket of `data.userId` closed (after its presence was removed). */
  USER_DISCONNECTED: 'USER_DISCONNECTED',
  /** Connector → processor: what became of deliveries that need a follow-up (see `DeliveryReport`). */
  DELIVERY_REPORT: 'DELIVERY_REPORT',
  /**
   * Connector → processor → every other domain: the channels a connector has subscribers for (`ChannelInterest`), so
   * that publications cross the links only toward domains with subscribers.
   */
  CHANNEL_INTEREST: 'CHANNEL_INTEREST',
  /**
   * Connector → processor: a channel got its first subscriber on this connector, now registered in presence
   * (`ChannelPresence`); the processor decides whether it is the first in the domain (webhook `channel.occupied`).
   */
  CHANNEL_OCCUPIED: 'CHANNEL_OCCUPIED',
  /**
   * Connector → processor: a channel's last subscriber on this connector left, now removed from presence; the processor
   * decides whether it was the last in the domain (webhook `channel.vacated`).
   */
  CHANNEL_VACATED: 'CHANNEL_VACATED',
} as const;

/**
 * `envelope.data` of CHANNEL_OCCUPIED and CHANNEL_VACATED, keyed by the channel on the RELIABLE intake. `others`
 * (CHANNEL_OCCUPIED only): the other connectors of the domain that had subscribers of the channel just before this
 * connector registered its first, at most `MAX_OTHER_CONNECTORS` of them.
 */
export interface ChannelPresence {
  channel: string;
  connector: string;
  others?: string[];
}

/** Most connectors a CHANNEL_OCCUPIED lists in `others`. */
export const MAX_OTHER_CONNECTORS = 64;

/**
 * `envelope.data` of USER_CONNECTED and USER_DISCONNECTED, keyed by the user on the RELIABLE intake. `others`
 * (USER_CONNECTED only): the user's other sockets (`<connector>/<socketId>`) live just before this one was registered,
 * at most `MAX_OTHER_SOCKETS`; absent from connectors that predate it.
 */
export interface UserPresence {
  userId: string;
  others?: string[];
}

/** Most sockets a USER_CONNECTED lists in `others`. */
export const MAX_OTHER_SOCKETS = 64;

/** How a socket is named in `UserPresence.others`. */
export const socketName = (socket: SocketAddress): string => `${socket.connector}/${socket.socketId}`;

/**
 * `envelope.data` of a CHANNEL_INTEREST: every channel `connector` of `domain` has subscribers for (the whole set:
 * it replaces the last one), `'*'` for "any" (too many to list), valid for `ttlMs` unless announced again.
 */
export interface ChannelInterest {
  domain: string;
  connector: string;
  channels: string[] | '*';
  ttlMs: number;
}

/** The sender of envelopes made by the system itself (auth replies, confirmations, presence events, reports). */
export const SYSTEM = 'SYSTEM';

export const intakeTopic = (domain: string): string => `linker.${domain}.intake`;
export const connectorTopic = (domain: string, connector: string): string => `linker.${domain}.connector.${connector}`;
/** Custody queue of the RELIABLE envelopes `domain` hands to its neighbour `peer` (ADR 0009): one partition, keyed by sender. */
export const linkQueueTopic = (domain: string, peer: string): string => `linker.${domain}.link.${peer}`;
/** FAST subject on which every processor of `domain` hears the channel interest of every domain (each its own group). */
export const interestTopic = (domain: string): string => `linker.${domain}.interest`;

/** Envelope types a neighbour domain may hand over a link; anything else received is dead-lettered. */
export const LINK_TYPES: ReadonlySet<string> = new Set([
  'MESSAGE',
  'GROUP_MESSAGE',
  'MESSAGE_CONFIRMATION',
  'USER_CONNECTED',
  'USER_DISCONNECTED',
  'CLOSE_CONNECTION',
  'PUBLISH',
  'CHANNEL_INTEREST',
]);

/** Sockets of one user on the connector a `Delivery` goes to. */
export const DeliveryTarget = Type.Object({
  userId: Type.String({ minLength: 1 }),
  socketIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
});
export type DeliveryTarget = Static<typeof DeliveryTarget>;

/**
 * Processor → connector. `envelope.type` says what the connector does:
 * - `AUTH_CLIENT_REPLY` (data `AuthReplyData`): finish the auth of the target socket: on true, register presence,
 *   then reply, then publish USER_CONNECTED, and watch the token's `expiresAt`; on false, reply and close with 4001
 *   (4011 with `retryAfterMs`);
 * - `REFRESH_TOKEN_REPLY` (data `RefreshTokenReplyData`): write it to the target socket and, accepted, move the
 *   watch of its token to the new `expiresAt`;
 * - `CLOSE_CONNECTION`: close the target sockets with 4003;
 * - `PUBLICATION` (data `PublicationData`, no targets): write it to the sockets subscribed to its channel there;
 * - anything else (`MESSAGE`, `MESSAGE_CONFIRMATION`, `USER_CONNECTED`, `USER_DISCONNECTED`,
 *   `FETCH_MISSING_MESSAGES_COMPLETE`, `INVALID_MESSAGE`): write `toClientFrame(envelope)` to each target socket,
 *   at most once per socket and message id.
 */
export const Delivery = Type.Object({
  envelope: Envelope,
  /** Empty only for a PUBLICATION, which goes to every socket subscribed to its channel on that connector. */
  targets: Type.Array(DeliveryTarget),
  /** The envelope comes from the recipient's mailbox: report it delivered so it can be removed. */
  fromMailbox: Type.Optional(Type.Boolean()),
  /**
   * Not asked for by the client and possibly one of many at once (a message another socket of the user could not take,
   * or one stored meanwhile): written only to a socket whose send queue has room for it (half its bounds, as for a
   * fetch); elsewhere it counts as undelivered and the socket stays open (the mailbox keeps it for the next fetch).
   */
  ifRoom: Type.Optional(Type.Boolean()),
});
export type Delivery = Static<typeof Delivery>;
/** How a delivery is written, besides its targets: `Delivery`'s `fromMailbox` and `ifRoom`. */
export type DeliveryFlags = Pick<Delivery, 'fromMailbox' | 'ifRoom'>;

/** One message written to a recipient socket (acknowledged, in ack mode). */
export const Delivered = Type.Object({
  id: Type.String({ minLength: 1 }),
  /** The recipient. */
  userId: Type.String({ minLength: 1 }),
  /** The original sender, to whom a confirmation goes. */
  from: Type.String({ minLength: 1 }),
  reference: Type.Optional(Type.String()),
  /** A MESSAGE_CONFIRMATION is wanted (docs/protocol.md, Confirmations). */
  confirm: Type.Optional(Type.Boolean()),
  /** It is in the recipient's mailbox (it came from there, or it was `parked` there): remove it there. */
  fromMailbox: Type.Optional(Type.Boolean()),
  /** The domains the message crossed, when it came from another domain: its confirmation carries it back. */
  path: Type.Optional(Type.Array(Type.String())),
});
export type Delivered = Static<typeof Delivered>;

/** A RELIABLE envelope that reached no socket of its recipient, with the sockets that failed. */
export const Undelivered = Type.Object({
  userId: Type.String({ minLength: 1 }),
  envelope: Envelope,
  failedSocketIds: Type.Array(Type.String()),
});
export type Undelivered = Static<typeof Undelivered>;

/**
 * A RELIABLE envelope written to an ack-mode socket of `userId` and not acknowledged yet when its batch was reported
 * (docs/protocol.md, Ack mode): the connector holds it only in memory, so the processor stores it in the recipient's mailbox, where it
 * survives a crash of the connector. Its later fate comes as an ordinary entry: `delivered` with `fromMailbox` once
 * the client acknowledges it (removed there, confirmed then if wanted); nothing if the socket closes unacknowledged
 * (it stays for the next fetch). `socketIds`: the sockets that hold it (optional for reports of older connectors).
 */
export const Parked = Type.Object({
  userId: Type.String({ minLength: 1 }),
  envelope: Envelope,
  socketIds: Type.Optional(Type.Array(Type.String())),
});
export type Parked = Static<typeof Parked>;

/**
 * Connector → processor, `envelope.data` of a `DELIVERY_REPORT`. Only deliveries that need a follow-up are reported:
 * - `delivered`: those with a confirmation wanted or that are in the mailbox (came from there, or were parked);
 * - `undelivered`: the RELIABLE envelopes that reached no socket of their recipient (socket gone, closed before the
 *   write, slow consumer), each with the recipient and the sockets that failed, so the processor can store them;
 * - `parked`: the RELIABLE envelopes an ack-mode socket holds unacknowledged, for the processor to store as they are
 *   (no re-send, no confirmation yet). Optional for reports of older connectors; ours always send it.
 * The connector publishes a batch's report before the batch commits, and entries settled after that (write callbacks,
 * acknowledgements) only once that report is published, so a `delivered` never overtakes the `parked` it settles.
 */
export const DeliveryReport = Type.Object({
  delivered: Type.Array(Delivered),
  undelivered: Type.Array(Undelivered),
  parked: Type.Optional(Type.Array(Parked)),
});
export type DeliveryReport = Static<typeof DeliveryReport>;

/** Most bytes (estimated) of one DELIVERY_REPORT a reporter makes: well below Kafka's default 1 MB record limit. */
export const MAX_REPORT_BYTES = 256 * 1024;

/** Delivery to bytes: as an envelope is (its data on a second line, passed on as it came; see `encodeEnvelope`). */
export function encodeDelivery(delivery: Delivery): Buffer {
  const { envelope, targets, fromMailbox, ifRoom } = delivery;
  return encodeRecord(JSON.stringify({ envelope: envelopeHead(envelope), targets, fromMailbox, ifRoom }), envelope.data);
}

export const decodeDelivery = recordDecoder(
  TypeCompiler.Compile(Delivery),
  'INVALID_DELIVERY',
  'delivery',
  (head, data) => {
    if (typeof head.envelope === 'object' && head.envelope !== null) (head.envelope as Record<string, unknown>).data = data;
  },
  (head) => (head.envelope as { type?: unknown } | null | undefined)?.type,
);
