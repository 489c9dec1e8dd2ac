import { LinkerError } from '@linker/kernel';
import type { Envelope } from '@linker/contracts';
import { deliveredMessage, hasReference } from '../dispatch/envelopes';
import { placement } from '../routing/placement';
import type { Handler, HandlerContext } from './handler';
import { intakeData } from './intake-data';
import { replyNotLocal } from './replies';

/**
 * MESSAGE (SPEC §2.3, §3): to every socket of the recipient, one Delivery per connector, on the message's lane,
 * keyed by the sender (so one sender's messages reach a recipient in order). Offline: RELIABLE is stored in the
 * recipient's mailbox, FAST is dropped. A recipient of no known app gets the sender `UNKNOWN_RECIPIENT_APP`, one
 * whose home is another domain `UNREACHABLE_DOMAIN` (until federation). A confirmation is wanted when the sender
 * did not turn it off and gave a non-blank reference; it is sent once the message is reported delivered.
 */
export function messageHandler(domain: string): Handler {
  return {
    users: (envelope) => {
      const to = recipientOf(envelope, false);
      return to ? [to] : [];
    },
    async handle(envelope: Envelope, { view, presence, effects, now }: HandlerContext): Promise<void> {
      const { content } = intakeData(envelope, 'MESSAGE');
      const to = recipientOf(envelope, true) as string;
      const where = placement(view, to, domain);
      if (where !== 'local') return replyNotLocal(effects, envelope, where, to, domain, now);
      const message = deliveredMessage(envelope, to, content, envelope.confirm !== false && hasReference(envelope.reference));
      const sockets = await presence.socketsOf(to);
      if (sockets.length > 0) effects.deliverToSockets(envelope.lane, envelope.from, message, [[to, sockets]]);
      else if (envelope.lane === 'RELIABLE') effects.store(to, message);
    },
  };
}

/** `data.to`, else the envelope's `to`; a MESSAGE with neither cannot be routed (dead-lettered when `strict`). */
function recipientOf(envelope: Envelope, strict: boolean): string | undefined {
  const data = envelope.data as { to?: unknown } | null | undefined;
  const to = typeof data?.to === 'string' && data.to !== '' ? data.to : envelope.to;
  if (to || !strict) return to || undefined;
  throw new LinkerError('INVALID_ENVELOPE', 'MESSAGE names no recipient');
}
