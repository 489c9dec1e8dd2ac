import type { Envelope } from '@linker/contracts';
import { routeUser } from '@linker/routing';
import type { Handler, HandlerContext } from './handler';
import { forwardable } from '../federation/forward';
import { intakeData } from './intake-data';
import { replyError } from './replies';

/**
 * CLOSE_CONNECTION (docs/protocol.md, Master users): only the master user of the target's app may send it; anyone else gets
 * `INVALID_MESSAGE NOT_ALLOWED`. Allowed: a CLOSE_CONNECTION Delivery (RELIABLE, keyed by the master, so it comes
 * after the master's earlier messages to the target) to every socket of the target, which its connectors close
 * with 4003. Live only: an offline target gets nothing, now or later. A target whose home is another domain: the
 * request goes there (RELIABLE, ADR 0009), where it is checked and carried out the same way.
 */
export function closeConnectionHandler(domain: string): Handler {
  return {
    users: (envelope) => {
      const userId = (envelope.data as { userId?: unknown } | null)?.userId;
      return typeof userId === 'string' ? [userId] : [];
    },
    async handle(envelope: Envelope, { view, routes, presence, effects, now }: HandlerContext): Promise<void> {
      const { userId: target } = intakeData(envelope, 'CLOSE_CONNECTION');
      const master = view.masterOf(target);
      if (master === undefined || master !== envelope.from) {
        const message = `only the master user of ${target}'s app may close its connections`;
        return replyError(effects, envelope, 'not-allowed', 'NOT_ALLOWED', message, domain, now);
      }
      const route = routeUser(view, routes, target, envelope.path);
      if (route.kind === 'forward') return effects.forward(route.via, forwardable({ ...envelope, lane: 'RELIABLE', to: target }));
      if (route.kind !== 'local') return;
      const sockets = await presence.socketsOf(target);
      if (sockets.length === 0) return;
      const close: Envelope = {
        id: envelope.id,
        lane: 'RELIABLE',
        type: 'CLOSE_CONNECTION',
        from: envelope.from,
        to: target,
        data: {},
        path: envelope.path,
        createdAt: envelope.createdAt,
        hops: envelope.hops,
      };
      effects.deliverToSockets('RELIABLE', envelope.from, close, [[target, sockets]]);
    },
  };
}
