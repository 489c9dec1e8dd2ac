import { INTERNAL_TYPES, type Envelope } from '@linker/contracts';
import { routeUser } from '@linker/routing';
import type { TopologyView } from '@linker/topology';
import { systemEnvelope } from '../dispatch/envelopes';
import type { OutForDelivery } from '../stored-messages/out-for-delivery';
import type { Handler, HandlerContext } from './handler';
import { intakeData } from './intake-data';
import { notifyUserPresence, wantsUserEvent } from './presence-webhooks';

/**
 * USER_CONNECTED and USER_DISCONNECTED, from connectors (one per socket that authenticated or closed; the connector
 * has already updated presence), or over a link for a master of this domain. If the user's app has a master user
 * who is not the user, the master's sockets get `USER_CONNECTED/USER_DISCONNECTED {userId}` (RELIABLE, keyed by the
 * master so the feed keeps its order); a master at home in another domain gets it there, over the links (ADR 0009).
 * Live only: an offline master gets nothing, now or later (docs/protocol.md, Master users).
 * USER_DISCONNECTED also ends what a fetch handed out to that socket (`OutForDelivery`): what it did not take is still
 * stored, and the user's next fetch returns it.
 * For a user at home in this domain whose app has a webhook, a connector's event is also `user.connected` (the user's
 * first socket) or `user.disconnected` (its last): `notifyUserPresence`.
 */
export function userPresenceHandler(domain: string, outForDelivery?: OutForDelivery): Handler {
  const masterToTell = (envelope: Envelope, view: TopologyView): string | undefined => {
    const userId = (envelope.data as { userId?: unknown } | null)?.userId;
    if (typeof userId !== 'string') return undefined;
    const master = view.masterOf(userId);
    return master !== undefined && master !== userId ? master : undefined;
  };
  return {
    users: (envelope, view) => {
      const master = masterToTell(envelope, view);
      const users = master && view.livesIn(master, domain) ? [master] : [];
      const userId = (envelope.data as { userId?: unknown } | null)?.userId;
      return typeof userId === 'string' && wantsUserEvent(envelope, userId, view, domain) ? [...users, userId] : users;
    },
    async handle(envelope: Envelope, context: HandlerContext): Promise<void> {
      const { view, routes, presence, effects, now } = context;
      const data = intakeData(envelope, 'USER_EVENT');
      const { userId } = data;
      if (envelope.type === INTERNAL_TYPES.USER_DISCONNECTED && envelope.origin) outForDelivery?.socketClosed(userId, envelope.origin);
      await notifyUserPresence(envelope, data, domain, context);
      const master = masterToTell(envelope, view);
      if (!master) return;
      // A connector's event names no recipient; one that came over a link is already the master's event.
      const event =
        envelope.to === master
          ? envelope
          : systemEnvelope({ id: `${envelope.id}.master`, type: envelope.type, to: master, data: { userId }, domain, now });
      const route = routeUser(view, routes, master, envelope.path);
      if (route.kind === 'forward') return effects.forward(route.via, event);
      if (route.kind !== 'local') return;
      const sockets = await presence.socketsOf(master);
      if (sockets.length > 0) effects.deliverToSockets('RELIABLE', master, event, [[master, sockets]]);
    },
  };
}
