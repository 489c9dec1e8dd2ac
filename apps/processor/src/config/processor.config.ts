import { analyticsSettings } from '@linker/analytics';
import { busSettings } from '@linker/bus';
import { defineConfig, setting, type ConfigOf } from '@linker/config';
import { linkTlsSettings } from '@linker/domain-link';
import { mailboxSettings } from '@linker/mailbox';
import { startupSettings } from '@linker/lifecycle';
import { loggingSettings } from '@linker/observability';
import { presenceSettings } from '@linker/presence';
import { topologySourceSettings } from '@linker/topology';
import { webhookSettings } from './webhook.config';

/** The processor's settings (real mode). This folder is the processor's only reader of `process.env`. */
export const processorConfig = defineConfig({
  domain: setting({ env: 'LINKER_DOMAIN', kind: 'string', default: 'domain-01', doc: 'The domain this process serves.' }),
  name: setting({ env: 'LINKER_PROCESSOR_NAME', kind: 'string', default: 'processor-01', doc: 'This processor, in logs and metrics.' }),
  ...topologySourceSettings,
  topologyFile: setting({
    env: 'LINKER_TOPOLOGY_FILE',
    kind: 'string',
    default: 'topologies/single-domain.yaml',
    doc: 'The topology YAML (relative to the working directory). The meta-server serves it; a processor without `LINKER_META_SERVER_URL` reads it at start-up.',
  }),
  authWebhookTimeoutMs: setting({
    env: 'LINKER_AUTH_WEBHOOK_TIMEOUT_MS',
    kind: 'integer',
    default: 5000,
    min: 100,
    max: 60000,
    doc: "Longest wait for an app's `authUrl` webhook; no answer in time rejects the login.",
  }),
  authWebhookConcurrency: setting({
    env: 'LINKER_AUTH_WEBHOOK_CONCURRENCY',
    kind: 'integer',
    default: 16,
    min: 1,
    max: 1000,
    doc: "Most `authUrl` webhook calls (and `jwksUrl` key set checks) one processor makes at once for one app; that app's further logins wait (`LINKER_AUTH_WEBHOOK_QUEUE`). Logins waiting for a webhook never hold up messages.",
  }),
  authWebhookQueue: setting({
    env: 'LINKER_AUTH_WEBHOOK_QUEUE',
    kind: 'integer',
    default: 32,
    min: 0,
    max: 100000,
    doc: 'Most logins of one app waiting, per processor, for a free webhook call (or key set check); one more is refused at once as busy (AUTH_CLIENT_REPLY false with `retryAfterMs`, close 4011), and so is one that waited longer than `LINKER_AUTH_WEBHOOK_TIMEOUT_MS`, when its turn comes.',
  }),
  maxGroupRecipients: setting({
    env: 'LINKER_MAX_GROUP_RECIPIENTS',
    kind: 'integer',
    default: 1000,
    min: 1,
    max: 100000,
    doc: 'Most distinct recipients of one GROUP_MESSAGE; a larger group gets INVALID_MESSAGE TOO_LARGE and nothing is sent.',
  }),
  handlerRetries: setting({
    env: 'LINKER_PROCESSOR_RETRIES',
    kind: 'integer',
    default: 3,
    min: 0,
    max: 20,
    doc: 'Retries of a failing message (and of a batch whose effects could not be written) before it is dead-lettered (or, for effects, handed back to the lane for redelivery).',
  }),
  retryBackoffMs: setting({
    env: 'LINKER_PROCESSOR_RETRY_BACKOFF_MS',
    kind: 'integer',
    default: 100,
    min: 1,
    max: 60000,
    doc: 'First delay between retries; it doubles on each further retry.',
  }),
  dedupWindow: setting({
    env: 'LINKER_PROCESSOR_DEDUP_WINDOW',
    kind: 'integer',
    default: 100000,
    min: 1,
    max: 10000000,
    doc: 'Envelope ids each processor remembers (for up to 10 minutes) to drop redelivered intake records; effects are idempotent beyond it.',
  }),
  endedConnectorsIntervalMs: setting({
    env: 'LINKER_PROCESSOR_SWEEP_INTERVAL_MS',
    kind: 'integer',
    default: 2000,
    min: 100,
    max: 600000,
    doc: 'How often a processor sweeps presence for connectors whose lease ended and drains their lane topic (deliveries routed to a connector just before it died are re-sent or stored, never stranded).',
  }),
  mailboxSweepIntervalMs: setting({
    env: 'LINKER_MAILBOX_SWEEP_INTERVAL_MS',
    kind: 'integer',
    default: 60000,
    min: 100,
    max: 86400000,
    doc: "How often a processor drops stored messages older than their app's `mailbox.maxAgeSeconds` (each with a `message.dropped` webhook and a count in `linker_mailbox_dropped_total`). Every processor sweeps; several at once are harmless.",
  }),
  linkSecret: setting({
    env: 'LINKER_LINK_SECRET',
    kind: 'string',
    optional: true,
    secret: true,
    doc: 'Secret this domain shares with its neighbour domains (links authenticate with it, HMAC challenge both ways). Unset: no links; users of other domains are unreachable. Never logged, never in the topology.',
  }),
  linkListen: setting({
    env: 'LINKER_LINK_LISTEN',
    kind: 'boolean',
    default: false,
    doc: "This processor holds the domain's link endpoint (neighbours dial it): exactly one processor per domain. Every processor dials the neighbours.",
  }),
  linkHost: setting({
    env: 'LINKER_LINK_HOST',
    kind: 'string',
    default: '127.0.0.1',
    doc: 'Address the link endpoint listens on (`0.0.0.0` for every interface).',
  }),
  linkPort: setting({
    env: 'LINKER_LINK_PORT',
    kind: 'port',
    optional: true,
    doc: "Port of the link endpoint; unset: the port of the domain's link endpoint in the topology (`domains[].urls[1]`).",
  }),
  ...linkTlsSettings,
  linkFailoverMs: setting({
    env: 'LINKER_LINK_FAILOVER_MS',
    kind: 'integer',
    default: 500,
    min: 0,
    max: 60000,
    doc: 'How long a link stays down before what waits for it in custody takes another path (ADR 0009).',
  }),
  metricsPort: setting({
    env: 'LINKER_METRICS_PORT',
    kind: 'port',
    optional: true,
    doc: 'Serve `GET /metrics` (Prometheus: processor counters, batch and delivery latency histograms, per-link figures, webhooks; docs/metrics.md), `GET /health`, `/health/live` and `/health/ready` on this port; unset: not served.',
  }),
  metricsHost: setting({ env: 'LINKER_METRICS_HOST', kind: 'string', default: '127.0.0.1', doc: 'Address of the metrics endpoint.' }),
  adminToken: setting({
    env: 'LINKER_ADMIN_TOKEN',
    kind: 'string',
    optional: true,
    secret: true,
    doc: 'The admin bearer token. Processor: the dead-letter routes of its operations endpoint (`GET /dead-letters`, `POST /dead-letters/{id}/reinject` on `LINKER_METRICS_PORT`); unset → they answer 404. Meta-server: every topology write needs it (`PUT /topology`, `POST /topology/rollback/{version}`; unset → refused, 403), and its web UI sends it to the processors’ dead-letter routes (never to the browser): set the same value on both. Never logged.',
  }),
  presenceCache: setting({
    env: 'LINKER_PRESENCE_CACHE',
    kind: 'boolean',
    default: true,
    doc: "Keep users' sockets and connectors' lease deadlines between batches, invalidated by Redis (client-side caching: two more connections per processor); a batch of users held sends no Redis command. `false`: each batch reads Redis.",
  }),
  presenceCacheMaxUsers: setting({
    env: 'LINKER_PRESENCE_CACHE_MAX_USERS',
    kind: 'integer',
    default: 100000,
    min: 1,
    max: 10000000,
    doc: 'Most users whose sockets the presence cache keeps; the least recently looked up is dropped past it.',
  }),
  presenceSettleMs: setting({
    env: 'LINKER_PRESENCE_SETTLE_MS',
    kind: 'integer',
    default: 7000,
    min: 0,
    max: 600000,
    doc: 'After Redis restarted (it comes back empty without persistence), how long a RELIABLE message for a user who looks offline waits (its batch is handed again) instead of going to the mailbox: the time the connectors take to register their sockets again (`LINKER_PRESENCE_HEARTBEAT_MS` and a margin). 0: store at once.',
  }),
  analyticsReportMs: setting({
    env: 'LINKER_ANALYTICS_REPORT_MS',
    kind: 'integer',
    default: 60_000,
    min: 100,
    max: 3_600_000,
    doc: "How often a processor sends its domain's analytics (every app's slices within `LINKER_ANALYTICS_RETENTION_H`) to the meta-server, which sums them over the domains (`GET /analytics/{appName}`). Real mode: needs `LINKER_META_SERVER_URL` and `LINKER_INTERNAL_TOKEN`, else nothing is sent.",
  }),
  ...analyticsSettings,
  ...webhookSettings,
  ...busSettings,
  ...presenceSettings,
  ...mailboxSettings,
  ...loggingSettings,
  ...startupSettings,
});

export type ProcessorConfig = ConfigOf<typeof processorConfig.settings>;

/** The links' TLS settings alone: the embedded mode reads them from its environment. */
export const linkTlsConfig = defineConfig(linkTlsSettings);

export type LinkTlsSettings = ConfigOf<typeof linkTlsSettings>;

/** What a processor needs of the configuration in every mode (the embedded mode builds it without the real-mode URLs). */
const SETTINGS = [
  'domain',
  'name',
  'partitions',
  'authWebhookTimeoutMs',
  'authWebhookConcurrency',
  'authWebhookQueue',
  'maxGroupRecipients',
  'handlerRetries',
  'retryBackoffMs',
  'dedupWindow',
  'endedConnectorsIntervalMs',
  'mailboxSweepIntervalMs',
  'linkSecret',
  'linkListen',
  'linkHost',
  'linkPort',
  'linkFailoverMs',
  ...(Object.keys(linkTlsSettings) as Array<keyof typeof linkTlsSettings>),
  'metricsHost',
  'metricsPort',
  'adminToken',
  'channelInterestMs',
  'analyticsSliceS',
  'analyticsRetentionH',
  'analyticsReportMs',
  ...(Object.keys(webhookSettings) as Array<keyof typeof webhookSettings>),
] as const;

/**
 * What `openProcessor` reads: the processor's own settings, its links and its metrics endpoint (the connections to the
 * services and the topology's source are the composition's business).
 */
export type ProcessorSettings = Pick<ProcessorConfig, (typeof SETTINGS)[number]>;

const settingsOnly = defineConfig(
  Object.fromEntries(SETTINGS.map((key) => [key, processorConfig.settings[key]])) as Pick<
    typeof processorConfig.settings,
    (typeof SETTINGS)[number]
  >,
);

/** The documented defaults with `overrides` applied: how the embedded mode and tests make a `ProcessorSettings`. */
export function processorSettings(overrides: Partial<ProcessorSettings> = {}): ProcessorSettings {
  return Object.freeze({ ...settingsOnly.load({}), ...overrides });
}
