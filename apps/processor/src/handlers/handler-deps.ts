import type { Mailbox } from '@linker/mailbox';
import type { ChannelHistory } from '@linker/presence';
import type { Logger } from '@linker/observability';
import type { Authenticator } from '../auth/authenticator';
import type { WebhookLogins } from '../auth/webhook-logins';
import type { ProcessorSettings } from '../config/processor.config';
import type { Dispatcher } from '../dispatch/dispatcher';
import type { ChannelFederation } from '../federation/channel-interest';
import type { IdWindow } from '@linker/kernel';
import type { KeyedLock } from '../stored-messages/keyed-lock';
import type { OutForDelivery } from '../stored-messages/out-for-delivery';

/** What handlers are built with, once per processor (never per message). */
export interface HandlerDeps {
  settings: ProcessorSettings;
  mailbox: Mailbox;
  dispatcher: Dispatcher;
  authenticator: Authenticator;
  /** Runs the logins an app's `authUrl` decides, beside the intake. */
  webhookLogins: WebhookLogins;
  logger: Logger;
  /** Ids of messages already confirmed by this processor: one confirmation per message, however often reported. */
  confirmed: IdWindow;
  /** Serializes fetches per user. */
  fetchLocks: KeyedLock;
  /** Mailbox messages this processor's fetches handed out whose removal may still be on its way. */
  outForDelivery: OutForDelivery;
  /** Which other domains want which channels, and the neighbours; absent without links (channels stay in the domain). */
  federation?: ChannelFederation;
  /** Channel histories (ADR 0018); absent: none is kept. */
  history?: ChannelHistory;
}
