/**
 * Webhooks: what the router tells an app's backend (docs/protocol.md, Webhooks). The processors make the events where
 * the fact is known, queue them on the RELIABLE topic `webhookTopic(domain)` (keyed by app), and a consumer group of
 * the processors POSTs them, signed, in batches; a batch that failed waits on `webhookRetryTopic(domain)`, or on
 * `webhookParkedTopic(domain)` when its next attempt is further off.
 */

export const WEBHOOK_EVENT_TYPES = [
  'message.stored',
  'message.dead_lettered',
  'message.dropped',
  'user.connected',
  'user.disconnected',
  'channel.occupied',
  'channel.vacated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** `data` of each event type. `content` only when the app's webhook has `includeContent: true`. */
export interface WebhookEventData {
  'message.stored': { messageId: string; to: string; from: string; content?: unknown };
  'message.dead_lettered': { messageId: string; to?: string; from: string; reason: string };
  /** Dropped from a mailbox: over the app's `mailbox.maxMessages` (`cap`) or older than `maxAgeSeconds` (`age`). */
  'message.dropped': { messageId: string; to: string; reason: 'cap' | 'age' };
  'user.connected': { userId: string };
  'user.disconnected': { userId: string };
  'channel.occupied': { channel: string };
  'channel.vacated': { channel: string };
}

/** One event as a receiver gets it (in `{events: [...]}`). */
export interface WebhookEvent<T extends WebhookEventType = WebhookEventType> {
  /** Unique per event and derived from what caused it, so the same event sent again has the same id: de-duplicate by it. */
  id: string;
  type: T;
  /** The client app (`appName`). */
  app: string;
  /** The domain whose processor made the event. */
  domain: string;
  /** When it happened, epoch ms. */
  at: number;
  data: WebhookEventData[T];
}

/** The body of every webhook request. */
export interface WebhookBatch {
  events: WebhookEvent[];
}

/** The header that carries `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-linker-signature';

/** RELIABLE topic of the webhook events of `domain`, keyed by app. */
export const webhookTopic = (domain: string): string => `linker.${domain}.webhooks`;
/** RELIABLE topic of the webhook batches of `domain` that failed and wait for their next attempt. */
export const webhookRetryTopic = (domain: string): string => `linker.${domain}.webhooks.retry`;
/** RELIABLE topic of the failed webhook batches whose next attempt is further off (mostly a failing receiver's). */
export const webhookParkedTopic = (domain: string): string => `linker.${domain}.webhooks.parked`;
