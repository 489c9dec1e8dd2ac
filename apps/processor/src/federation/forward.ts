import type { Envelope } from '@linker/contracts';
import { checkEnvelopeSize } from '@linker/domain-link';
import { errorMessage, LinkerError } from '@linker/kernel';
import { checkForward } from '@linker/routing';

/** The user an envelope in a link queue is for: its home decides the next hop (MESSAGE: `data.to`, else `to`). */
export function recipientOfForward(envelope: Envelope): string {
  const data = envelope.data as { to?: unknown } | null | undefined;
  const to = typeof data?.to === 'string' && data.to !== '' ? data.to : envelope.to;
  if (!to) throw new LinkerError('INVALID_ENVELOPE', `${envelope.type} ${envelope.id} in a link queue names no recipient`);
  return to;
}

/**
 * The envelope as it goes into a link queue: without the socket it came from (a socket of this domain means nothing
 * elsewhere; errors for a remote sender are not sent back yet).
 */
export function forwardable(envelope: Envelope): Envelope {
  if (envelope.origin === undefined) return envelope;
  const { origin: _origin, ...rest } = envelope;
  return rest;
}

/** Why an envelope can never be handed on, with the error code its sender is told. */
export interface Unforwardable {
  code: 'TOO_LARGE' | 'UNREACHABLE_DOMAIN';
  reason: string;
}

/** Why `envelope` can never be handed to `nextHop` (over the hop limit, or too large for a link frame), if so. */
export function unforwardable(envelope: Envelope, nextHop: string): Unforwardable | undefined {
  const check = checkForward(envelope, nextHop);
  if (!check.ok && check.reason === 'hop-limit') return { code: 'UNREACHABLE_DOMAIN', reason: check.message };
  try {
    checkEnvelopeSize(envelope);
    return undefined;
  } catch (error) {
    return { code: 'TOO_LARGE', reason: errorMessage(error) };
  }
}
