import { INTERNAL_TYPES } from '@linker/contracts';
import { authClientHandler, refreshTokenHandler } from './auth-client.handler';
import { channelInterestHandler } from './channel-interest.handler';
import { closeConnectionHandler } from './close-connection.handler';
import { confirmationHandler } from './confirmation.handler';
import { deliveryReportHandler } from './delivery-report.handler';
import { fetchMissingMessagesHandler } from './fetch-missing-messages.handler';
import { groupMessageHandler } from './group-message.handler';
import type { Handler } from './handler';
import type { HandlerDeps } from './handler-deps';
import { messageHandler } from './message.handler';
import { channelPresenceHandler } from './presence-webhooks';
import { publishHandler } from './publish.handler';
import { userPresenceHandler } from './user-presence.handler';

export type { Handler, HandlerContext } from './handler';
export type { HandlerDeps } from './handler-deps';

/**
 * The one table of intake types the processor acts on, built once. Anything else (types a client may never send,
 * such as INTERNAL_MESSAGE or MESSAGE_STATE_CHANGED, and unknown types) has no handler and is dead-lettered.
 * MESSAGE_CONFIRMATION reaches the intake only over a link (connectors never accept it from a client).
 */
export function createHandlers(deps: HandlerDeps): ReadonlyMap<string, Handler> {
  const { domain, maxGroupRecipients } = deps.settings;
  const presenceEvents = userPresenceHandler(domain, deps.outForDelivery);
  const channelPresence = channelPresenceHandler(domain);
  return new Map<string, Handler>([
    ['AUTH_CLIENT', authClientHandler(domain, deps)],
    ['REFRESH_TOKEN', refreshTokenHandler(domain, deps)],
    ['MESSAGE', messageHandler(domain)],
    ['GROUP_MESSAGE', groupMessageHandler(domain, maxGroupRecipients)],
    ['FETCH_MISSING_MESSAGES_REQUEST', fetchMissingMessagesHandler(domain, deps)],
    ['CLOSE_CONNECTION', closeConnectionHandler(domain)],
    ['PUBLISH', publishHandler(domain, deps.federation, deps.history)],
    [INTERNAL_TYPES.CHANNEL_INTEREST, channelInterestHandler(deps.federation)],
    ['MESSAGE_CONFIRMATION', confirmationHandler(domain)],
    [INTERNAL_TYPES.USER_CONNECTED, presenceEvents],
    [INTERNAL_TYPES.USER_DISCONNECTED, presenceEvents],
    [INTERNAL_TYPES.CHANNEL_OCCUPIED, channelPresence],
    [INTERNAL_TYPES.CHANNEL_VACATED, channelPresence],
    [INTERNAL_TYPES.DELIVERY_REPORT, deliveryReportHandler(domain, deps.confirmed, deps.logger)],
  ]);
}
