import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Envelope } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import { DEFAULT_LINK_LIMITS } from './link-limits';
import type { LinkErrorCode } from './link-errors';

/*
 * The link protocol: one JSON object per text frame. Handshake (server first): challenge → hello → welcome.
 * Then the dialer sends batches and the server answers each with an ack or a nack, in order.
 */
const Nonce = Type.String({ minLength: 16, maxLength: 128 });
const Domain = Type.String({ minLength: 1, maxLength: 256 });
const Seq = Type.Integer({ minimum: 1 });

export const ChallengeFrame = Type.Object({ type: Type.Literal('challenge'), domain: Domain, nonce: Nonce });
export const HelloFrame = Type.Object({
  type: Type.Literal('hello'),
  domain: Domain,
  nonce: Nonce,
  proof: Type.String({ maxLength: 128 }),
});
export const WelcomeFrame = Type.Object({ type: Type.Literal('welcome'), proof: Type.String({ maxLength: 128 }) });
const BatchFrame = Type.Object({ type: Type.Literal('batch'), seq: Seq, envelopes: Type.Array(Envelope, { minItems: 1 }) });
export const AckFrame = Type.Object({ type: Type.Literal('ack'), seq: Seq });
export const NackFrame = Type.Object({ type: Type.Literal('nack'), seq: Seq, error: Type.String({ maxLength: 1024 }) });

export type ChallengeFrame = Static<typeof ChallengeFrame>;
export type HelloFrame = Static<typeof HelloFrame>;
export type WelcomeFrame = Static<typeof WelcomeFrame>;
type BatchFrame = Static<typeof BatchFrame>;
export type AckFrame = Static<typeof AckFrame>;
export type NackFrame = Static<typeof NackFrame>;

/**
 * Bytes to a checked frame of one of `schemas` (by its `type`; compiled once), or a non-retriable
 * `LINK_PROTOCOL_ERROR` saying what is wrong and where (like the record decoders of libs/contracts).
 */
function frameDecoder<S extends Record<string, TSchema>>(schemas: S): (bytes: Buffer) => Static<S[keyof S]> {
  const checks = new Map(Object.entries(schemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]));
  const fail = (message: string, cause?: unknown): never => {
    throw new LinkerError<LinkErrorCode>('LINK_PROTOCOL_ERROR', message, { cause });
  };
  return (bytes) => {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (cause) {
      return fail('link frame is not valid JSON', cause);
    }
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    const check = typeof type === 'string' ? checks.get(type) : undefined;
    if (check === undefined) return fail(`link frame has an unexpected type ${JSON.stringify(type)}`);
    if (!check.Check(value)) {
      const first = check.Errors(value).First();
      return fail(`${type} frame is malformed at ${first?.path || '/'}: ${first?.message}`);
    }
    return value as Static<S[keyof S]>;
  };
}

/** Frames a dialer receives, and frames a link server receives. */
export const decodeDialerFrame = frameDecoder({ challenge: ChallengeFrame, welcome: WelcomeFrame, ack: AckFrame, nack: NackFrame });
export const decodeServerFrame = frameDecoder({ hello: HelloFrame, batch: BatchFrame });

/** Room a batch frame needs besides its envelopes: `{"type":"batch","seq":<up to 16 digits>,"envelopes":[...]}`. */
export const BATCH_OVERHEAD_BYTES = 64;

/** One envelope, encoded once: its JSON text and byte length. */
interface Encoded {
  readonly json: string;
  readonly bytes: number;
}

const encode = (envelope: Envelope): Encoded => {
  const json = JSON.stringify(envelope);
  return { json, bytes: Buffer.byteLength(json) };
};

function tooLarge(bytes: number, maxFrameBytes: number): LinkerError<LinkErrorCode> {
  return new LinkerError<LinkErrorCode>(
    'LINK_FRAME_TOO_LARGE',
    `an envelope of ${bytes} bytes does not fit in a link frame (limit ${maxFrameBytes} bytes with ${BATCH_OVERHEAD_BYTES} bytes of framing)`,
  );
}

/**
 * Check one envelope against the link frame limit before queueing it for a link: returns its encoded size, or throws a
 * non-retriable `LINK_FRAME_TOO_LARGE` (tell the client; it can never cross this link).
 */
export function checkEnvelopeSize(envelope: Envelope, maxFrameBytes: number = DEFAULT_LINK_LIMITS.maxFrameBytes): number {
  const { bytes } = encode(envelope);
  if (bytes + BATCH_OVERHEAD_BYTES > maxFrameBytes) throw tooLarge(bytes, maxFrameBytes);
  return bytes;
}

/** A batch split into frame bodies (envelope JSON joined), each within both limits; `seq` is filled in when sent. */
export interface PreparedBatch {
  readonly parts: ReadonlyArray<{ body: string; count: number; bytes: number }>;
}

/**
 * Split `envelopes`, in order, into frames of at most `maxBatchEnvelopes` envelopes and `maxFrameBytes` bytes.
 * All or nothing: if one envelope cannot fit in a frame alone, throws `LINK_FRAME_TOO_LARGE` and nothing is prepared.
 */
export function prepareBatch(envelopes: readonly Envelope[], maxFrameBytes: number, maxBatchEnvelopes: number): PreparedBatch {
  const room = maxFrameBytes - BATCH_OVERHEAD_BYTES;
  const parts: Array<{ body: string; count: number; bytes: number }> = [];
  let current: string[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (current.length > 0) parts.push({ body: current.join(','), count: current.length, bytes: bytes + current.length - 1 });
    current = [];
    bytes = 0;
  };
  for (const envelope of envelopes) {
    const encoded = encode(envelope);
    if (encoded.bytes > room) throw tooLarge(encoded.bytes, maxFrameBytes);
    if (current.length === maxBatchEnvelopes || bytes + current.length + encoded.bytes > room) flush();
    current.push(encoded.json);
    bytes += encoded.bytes;
  }
  flush();
  return { parts };
}

/** The text of one batch frame. */
export const batchFrameText = (seq: number, body: string): string => `{"type":"batch","seq":${seq},"envelopes":[${body}]}`;
