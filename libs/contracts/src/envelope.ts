import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { encodeRecord, recordDecoder } from './record-codec';

/** The two lanes: RELIABLE (Kafka, never lost once accepted) and FAST (NATS, in memory, at most once). */
export const Lane = Type.Union([Type.Literal('RELIABLE'), Type.Literal('FAST')]);
export type Lane = Static<typeof Lane>;

/** Where one socket of a user lives: the domain, the connector in it, and the socket's id on that connector. */
export const SocketAddress = Type.Object({
  domain: Type.String({ minLength: 1 }),
  connector: Type.String({ minLength: 1 }),
  socketId: Type.String({ minLength: 1 }),
});
export type SocketAddress = Static<typeof SocketAddress>;

/**
 * What travels between connectors, processors and domains: one message and its routing facts.
 * The wire frame a client sees is made from it only at the connector edge.
 */
export const Envelope = Type.Object({
  /** Message id (UUIDv7), unique; every hop and every consumer de-duplicates by it. */
  id: Type.String({ minLength: 1 }),
  lane: Lane,
  /** Message type (`MESSAGE`, `GROUP_MESSAGE`, `AUTH_CLIENT`, ... and the internal ones). */
  type: Type.String({ minLength: 1 }),
  /** The authenticated sender, or `SYSTEM`. Never taken from a client frame. */
  from: Type.String({ minLength: 1 }),
  /** The recipient user id; absent for frames addressed to the processors themselves. */
  to: Type.Optional(Type.String()),
  data: Type.Unknown(),
  reference: Type.Optional(Type.String()),
  /** Whether the sender wants a MESSAGE_CONFIRMATION once the message is delivered. */
  confirm: Type.Optional(Type.Boolean()),
  /** The socket the message came in through, when it came from a client. */
  origin: Type.Optional(SocketAddress),
  /** Domains crossed so far, the first being the domain of origin. */
  path: Type.Array(Type.String()),
  /** Creation time, epoch milliseconds. */
  createdAt: Type.Number(),
  /** How many domain-to-domain hops the message has made. */
  hops: Type.Integer({ minimum: 0 }),
});
export type Envelope = Static<typeof Envelope>;

/**
 * Envelope to bytes, for the lanes, links and stores: its routing facts, then its data, as two JSON lines; a MESSAGE's
 * `{content}` that came in a record goes out as the bytes it came in (nothing re-encodes it on the way).
 */
export function encodeEnvelope(envelope: Envelope): Buffer {
  return encodeRecord(JSON.stringify(envelopeHead(envelope)), envelope.data);
}

/**
 * Every field of `envelope` but its data, in a literal of fixed shape (an object rest copy costs ten times as much on
 * this path); absent fields stay undefined and JSON leaves them out.
 */
export function envelopeHead(envelope: Envelope): Omit<Envelope, 'data'> {
  const { id, lane, type, from, to, reference, confirm, origin, path, createdAt, hops } = envelope;
  return { id, lane, type, from, to, reference, confirm, origin, path, createdAt, hops };
}

/** Bytes to envelope; throws a non-retriable `INVALID_ENVELOPE` error for anything that is not one. */
export const decodeEnvelope = recordDecoder(
  TypeCompiler.Compile(Envelope),
  'INVALID_ENVELOPE',
  'envelope',
  (head, data) => void (head.data = data),
  (head) => head.type,
);
