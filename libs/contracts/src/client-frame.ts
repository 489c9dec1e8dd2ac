import type { Envelope } from './envelope';
import type { ServerFrame } from './server-frame';
import { decodedContentBytes } from './record-codec';

/**
 * The frame a client receives for an envelope (docs/protocol.md, Server frames): `{type, data, reference?, id?}`, absent fields
 * omitted. A MESSAGE's data is `{from, content}` (the envelope keeps `from` beside `data: {content}`) and carries the
 * message id; every other type's envelope data is already the frame's data.
 */
export function toClientFrame(envelope: Envelope): ServerFrame {
  if (envelope.type === 'MESSAGE') {
    const { content } = envelope.data as { content: string };
    const frame: ServerFrame = { type: 'MESSAGE', data: { from: envelope.from, content } };
    if (envelope.reference !== undefined) frame.reference = envelope.reference;
    frame.id = envelope.id;
    return frame;
  }
  const frame: ServerFrame = { type: envelope.type, data: envelope.data ?? {} };
  if (envelope.reference !== undefined) frame.reference = envelope.reference;
  return frame;
}

/** `toClientFrame` as the JSON text written to the socket: made once per delivery, sent to every target socket. */
export function clientFrameText(envelope: Envelope): string {
  return JSON.stringify(toClientFrame(envelope));
}

const MESSAGE_HEAD = '{"type":"MESSAGE","data":{"from":';

/**
 * `clientFrameText` as bytes. A MESSAGE whose `{content}` came in a record is assembled around the content's bytes
 * as they came (the same bytes `JSON.stringify` would give, without encoding the content again).
 */
export function clientFrameBytes(envelope: Envelope): Buffer {
  const content = envelope.type === 'MESSAGE' ? decodedContentBytes(envelope.data) : undefined;
  if (content === undefined) return Buffer.from(clientFrameText(envelope));
  const reference = envelope.reference === undefined ? '' : `,"reference":${JSON.stringify(envelope.reference)}`;
  // The content's bytes are `{"content":…}`: the frame's data continues with them after `"from":…,`.
  return Buffer.concat([
    Buffer.from(`${MESSAGE_HEAD}${JSON.stringify(envelope.from)},`),
    content.subarray(1),
    Buffer.from(`${reference},"id":${JSON.stringify(envelope.id)}}`),
  ]);
}

/** Room for a frame's head beside its data: type, `from`, `reference`, `id`. */
const FRAME_HEAD_BYTES = 512;

/**
 * About the size of `clientFrameBytes(envelope)` without making the frame (at least that size unless its reference is
 * longer than a few hundred bytes): its data's JSON bytes plus room for the head.
 */
export function clientFrameSize(envelope: Envelope): number {
  return (decodedContentBytes(envelope.data)?.length ?? Buffer.byteLength(JSON.stringify(envelope.data ?? null))) + FRAME_HEAD_BYTES;
}
