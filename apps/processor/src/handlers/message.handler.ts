import { LinkerError } from '@linker/kernel';
import type { Envelope, RecordErrorCode } from '@linker/contracts';
import { routeUser } from '@linker/routing';
import { deliveredMessage, hasReference } from '../dispatch/envelopes';
import type { Effects } from '../dispatch/effects';
import { forwardable, unforwardable } from '../federation/forward';
import type { Handler, HandlerContext } from './handler';
import { intakeData } from './intake-data';
import { refusalOf, replyError, replyNotLocal } from './replies';

/**
 * MESSAGE (docs/protocol.md, Delivery): to every socket of the recipient, one Delivery per connector, on the message's lane,
 * keyed by the sender (so one sender's messages reach a recipient in order). Offline: RELIABLE is stored in the
 * recipient's mailbox, FAST is dropped. A recipient whose home is another domain: handed to the next hop toward it
 * (ADR 0009). A recipient of no known app gets the sender `UNKNOWN_RECIPIENT_APP`, one whose home cannot be reached
 * (no links, no path, outside every range) `UNREACHABLE_DOMAIN`. A confirmation is wanted when the sender
 * did not turn it off and gave a non-blank reference; it is sent once the message is reported delivered.
 */
export function messageHandler(domain: string): Handler {
  return {
    users: (envelope) => {
      const to = recipientOf(envelope, false);
      return to ? [to] : [];
    },
    async handle(envelope: Envelope, { view, routes, presence, effects, now }: HandlerContext): Promise<void> {
      const { content } = intakeData(envelope, 'MESSAGE');
      const to = recipientOf(envelope, true) as string;
      const route = routeUser(view, routes, to, envelope.path);
      if (route.kind === 'forward') return forward(envelope, to, route.via, effects, now);
      if (route.kind !== 'local') {
        const refusal = refusalOf(route.reason);
        if (!envelope.origin)
          return effects.deadLetter({ envelope, reason: `${refusal}: ${to} cannot be reached from ${domain}`, at: now });
        return replyNotLocal(effects, envelope, refusal, to, domain, now);
      }
      const message = deliveredMessage(envelope, to, content, envelope.confirm !== false && hasReference(envelope.reference));
      const sockets = await presence.socketsOf(to);
      if (sockets.length > 0) return effects.deliverToSockets(envelope.lane, envelope.from, message, [[to, sockets]]);
      if (envelope.lane !== 'RELIABLE') return;
      presence.offlineForSure(now);
      effects.store(to, message);
    },
  };

  /**
   * Into the custody queue of `via`, unless no link could ever carry it (too large, over the hop limit): then a sender
   * of this domain is told, and one of another domain's message is dead-lettered; nothing is lost silently.
   */
  function forward(envelope: Envelope, to: string, via: string, effects: Effects, now: number): void {
    const forwarded = forwardable({ ...envelope, to });
    const refused = unforwardable(forwarded, via);
    if (refused === undefined) effects.forward(via, forwarded);
    else if (envelope.origin)
      replyError(effects, envelope, 'link', refused.code, `cannot be handed to ${via}: ${refused.reason}`, domain, now);
    else effects.deadLetter({ envelope, reason: `cannot be handed to ${via}: ${refused.reason}`, at: now });
  }
}

/** `data.to`, else the envelope's `to`; a MESSAGE with neither cannot be routed (dead-lettered when `strict`). */
function recipientOf(envelope: Envelope, strict: boolean): string | undefined {
  const data = envelope.data as { to?: unknown } | null | undefined;
  const to = typeof data?.to === 'string' && data.to !== '' ? data.to : envelope.to;
  if (to || !strict) return to || undefined;
  throw new LinkerError<RecordErrorCode>('INVALID_ENVELOPE', 'MESSAGE names no recipient');
}
