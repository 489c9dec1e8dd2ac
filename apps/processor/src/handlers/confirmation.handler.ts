import type { Envelope, RecordErrorCode } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import { routeUser } from '@linker/routing';
import type { ProcessorErrorCode } from '../errors';
import type { Handler, HandlerContext } from './handler';

/**
 * MESSAGE_CONFIRMATION that came over a link (docs/protocol.md, Confirmations): the confirmation of a message this domain's user sent
 * to a user of another domain. To the sender's sockets, or stored in its mailbox when it is offline; passed on to
 * the next hop when this domain is only on the way. A confirmation whose sender cannot be reached is dead-lettered.
 */
export function confirmationHandler(domain: string): Handler {
  return {
    users: (envelope) => (envelope.to ? [envelope.to] : []),
    async handle(envelope: Envelope, { view, routes, presence, effects, now }: HandlerContext): Promise<void> {
      const to = envelope.to;
      if (!to) throw new LinkerError<RecordErrorCode>('INVALID_ENVELOPE', 'MESSAGE_CONFIRMATION names no recipient');
      const route = routeUser(view, routes, to, envelope.path);
      if (route.kind === 'forward') return effects.forward(route.via, envelope);
      if (route.kind !== 'local')
        throw new LinkerError<ProcessorErrorCode>('UNREACHABLE_DOMAIN', `the home domain of ${to} cannot be reached from ${domain}`);
      const sockets = await presence.socketsOf(to);
      if (sockets.length > 0) return effects.deliverToSockets('RELIABLE', to, envelope, [[to, sockets]]);
      presence.offlineForSure(now);
      effects.store(to, envelope);
    },
  };
}
