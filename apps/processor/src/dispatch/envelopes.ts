import { isContentOnly, SYSTEM, type Envelope, type ErrorCode } from '@linker/contracts';

/** The id of the confirmation of message `messageId`: the same for every report of it, so repeats collapse. */
export const confirmationId = (messageId: string): string => `${messageId}.confirmation`;

/** Whether a reference asks for a confirmation: present and not blank (docs/protocol.md, Confirmations). */
export const hasReference = (reference: string | undefined): reference is string => reference !== undefined && reference.trim() !== '';

export interface SystemEnvelopeInput {
  /** Deterministic, derived from what caused it, so a redelivered cause produces the same id (and is de-duplicated). */
  id: string;
  type: string;
  /** The recipient; none for envelopes between the domain's own processes (a DELIVERY_REPORT). */
  to?: string;
  data: unknown;
  reference?: string;
  domain: string;
  now: number;
}

/** An envelope made by the system (reply, confirmation, presence event, fetch result, error): RELIABLE, from SYSTEM. */
export function systemEnvelope(input: SystemEnvelopeInput): Envelope {
  const envelope: Envelope = {
    id: input.id,
    lane: 'RELIABLE',
    type: input.type,
    from: SYSTEM,
    data: input.data,
    path: [input.domain],
    createdAt: input.now,
    hops: 0,
  };
  if (input.to !== undefined) envelope.to = input.to;
  if (input.reference !== undefined) envelope.reference = input.reference;
  return envelope;
}

/**
 * `INVALID_MESSAGE {code, message}` for the sender of `cause`, with the cause's reference (docs/protocol.md, Errors). `suffix`
 * tells apart several errors caused by one envelope (a group with unknown apps and unreachable domains).
 */
export function errorEnvelope(cause: Envelope, suffix: string, code: ErrorCode, message: string, domain: string, now: number): Envelope {
  return systemEnvelope({
    id: `${cause.id}.error.${suffix}`,
    type: 'INVALID_MESSAGE',
    to: cause.from,
    data: { code, message },
    reference: cause.reference,
    domain,
    now,
  });
}

/**
 * The MESSAGE a recipient gets for client message `source`: the same id, lane, sender, reference and path; data
 * `{content}` (the frame's `from` is the envelope's sender, never the client's word); no origin socket.
 * `to` is the recipient (absent on a group delivery, whose targets name the recipients). A source whose data is that
 * `{content}` already lends it, so content decoded from a record goes on as the bytes it came in.
 */
export function deliveredMessage(source: Envelope, to: string | undefined, content: string, confirm: boolean): Envelope {
  const message: Envelope = {
    id: source.id,
    lane: source.lane,
    type: 'MESSAGE',
    from: source.from,
    data: isContentOnly(source.data) && source.data.content === content ? source.data : { content },
    confirm,
    path: source.path,
    createdAt: source.createdAt,
    hops: source.hops,
  };
  if (to !== undefined) message.to = to;
  if (source.reference !== undefined) message.reference = source.reference;
  return message;
}
