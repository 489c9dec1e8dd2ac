import {
  INTERNAL_TYPES,
  parseChannel,
  socketName,
  type Envelope,
  type UserPresence,
  type WebhookEvent,
  type WebhookEventType,
} from '@linker/contracts';
import { channelKey } from '@linker/presence';
import type { TopologyView } from '@linker/topology';
import type { Handler, HandlerContext } from './handler';
import { intakeData } from './intake-data';

// The presence webhooks (docs/protocol.md, Presence events): a user's first and last socket in the domain,
// a channel's first and last subscriber in the domain. Presence is read after the change the event reports.

type PresenceEventType = Extract<WebhookEventType, 'user.connected' | 'user.disconnected' | 'channel.occupied' | 'channel.vacated'>;

/** The event `type` for `envelope`, its id derived from the envelope's (a redelivered envelope makes the same event). */
function presenceEvent<T extends PresenceEventType>(
  type: T,
  envelope: Envelope,
  app: string,
  domain: string,
  data: WebhookEvent<T>['data'],
): WebhookEvent<T> {
  return { id: `${envelope.id}.${type.split('.')[1]}`, type, app, domain, at: envelope.createdAt, data };
}

/**
 * Whether a USER_CONNECTED / USER_DISCONNECTED from a connector of this domain is for a user at home here whose app has
 * a webhook (one that came over a link, for a master, names its recipient in `to` and is not one).
 */
export function wantsUserEvent(envelope: Envelope, userId: string, view: TopologyView, domain: string): boolean {
  return envelope.to === undefined && view.appOfUser(userId)?.webhook !== undefined && view.livesIn(userId, domain);
}

/**
 * `user.connected` for the user's first socket: none of the sockets it had when this one was registered (`others`,
 * read by the connector just before) is live any more; from a connector that does not send `others`, when the socket
 * is the user's only one (presence is registered before USER_CONNECTED is sent). `user.disconnected` when the user
 * has no socket left.
 */
export async function notifyUserPresence(envelope: Envelope, data: UserPresence, domain: string, context: HandlerContext): Promise<void> {
  const { userId, others } = data;
  const app = context.view.appOfUser(userId);
  if (!app || !wantsUserEvent(envelope, userId, context.view, domain)) return;
  const sockets = await context.presence.socketsOf(userId);
  if (envelope.type === INTERNAL_TYPES.USER_CONNECTED && isFirst(sockets.map(socketName), others)) {
    context.effects.notify(presenceEvent('user.connected', envelope, app.appName, domain, { userId }));
  } else if (envelope.type === INTERNAL_TYPES.USER_DISCONNECTED && sockets.length === 0) {
    context.effects.notify(presenceEvent('user.disconnected', envelope, app.appName, domain, { userId }));
  }
}

function isFirst(live: readonly string[], others: readonly string[] | undefined): boolean {
  if (others === undefined) return live.length === 1;
  const now = new Set(live);
  return !others.some((socket) => now.has(socket));
}

/**
 * CHANNEL_OCCUPIED and CHANNEL_VACATED from the connectors (docs/protocol.md, Presence events), keyed by
 * the channel. Occupied: the channel is first in the domain unless one of the connectors that had subscribers before
 * this one registered its first (`others`) still has some. Vacated: no connector of the domain has a subscriber left.
 */
export function channelPresenceHandler(domain: string): Handler {
  const appOf = (envelope: Envelope, view: TopologyView): string | undefined => {
    const channel = (envelope.data as { channel?: unknown } | null)?.channel;
    const appName = typeof channel === 'string' ? parseChannel(channel)?.appName : undefined;
    return appName !== undefined && view.app(appName)?.webhook ? appName : undefined;
  };
  return {
    users: (envelope, view) => {
      const channel = (envelope.data as { channel?: unknown } | null)?.channel;
      return typeof channel === 'string' && appOf(envelope, view) ? [channelKey(channel)] : [];
    },
    async handle(envelope: Envelope, { view, presence, effects }: HandlerContext): Promise<void> {
      const { channel, others = [] } = intakeData(envelope, 'CHANNEL_PRESENCE');
      const app = appOf(envelope, view);
      if (app === undefined) return;
      const connectors = new Set((await presence.socketsOf(channelKey(channel))).map((socket) => socket.connector));
      if (envelope.type === INTERNAL_TYPES.CHANNEL_VACATED) {
        if (connectors.size === 0) effects.notify(presenceEvent('channel.vacated', envelope, app, domain, { channel }));
      } else if (!others.some((connector) => connectors.has(connector))) {
        effects.notify(presenceEvent('channel.occupied', envelope, app, domain, { channel }));
      }
    },
  };
}
