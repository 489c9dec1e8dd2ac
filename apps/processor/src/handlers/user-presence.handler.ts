import { INTERNAL_TYPES, type Envelope } from '@linker/contracts';
import type { TopologyView } from '@linker/topology';
import { systemEnvelope } from '../dispatch/envelopes';
import type { OutForDelivery } from '../mailbox/out-for-delivery';
import type { Handler, HandlerContext } from './handler';
import { intakeData } from './intake-data';

/**
 * USER_CONNECTED and USER_DISCONNECTED, from connectors (one per socket that authenticated or closed; the connector
 * has already updated presence). If the user's app has a master user who is not the user and lives here, the
 * master's sockets get `USER_CONNECTED/USER_DISCONNECTED {userId}` (RELIABLE, keyed by the master so the feed keeps
 * its order). Live only: an offline master gets nothing, now or later (SPEC §2.4).
 * USER_DISCONNECTED also ends what a fetch handed out to that socket (`OutForDelivery`): what it did not take is still
 * stored, and the user's next fetch returns it.
 */
export function userPresenceHandler(domain: string, outForDelivery?: OutForDelivery): Handler {
  const masterToTell = (envelope: Envelope, view: TopologyView): string | undefined => {
    const userId = (envelope.data as { userId?: unknown } | null)?.userId;
    if (typeof userId !== 'string') return undefined;
    const master = view.masterOf(userId);
    return master !== undefined && master !== userId && view.livesIn(master, domain) ? master : undefined;
  };
  return {
    users: (envelope, view) => {
      const master = masterToTell(envelope, view);
      return master ? [master] : [];
    },
    async handle(envelope: Envelope, { view, presence, effects, now }: HandlerContext): Promise<void> {
      const { userId } = intakeData(envelope, 'USER_EVENT');
      if (envelope.type === INTERNAL_TYPES.USER_DISCONNECTED && envelope.origin) outForDelivery?.socketClosed(userId, envelope.origin);
      const master = masterToTell(envelope, view);
      if (!master) return;
      const sockets = await presence.socketsOf(master);
      if (sockets.length === 0) return;
      const event = systemEnvelope({ id: `${envelope.id}.master`, type: envelope.type, to: master, data: { userId }, domain, now });
      effects.deliverToSockets('RELIABLE', master, event, [[master, sockets]]);
    },
  };
}
