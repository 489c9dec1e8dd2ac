import type { Envelope } from './envelope';
import type { ServerFrame } from './frames';

/**
 * The frame a client receives for an envelope (SPEC §2.1, §2.4): `{type, data, reference?, id?}`, absent fields
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
