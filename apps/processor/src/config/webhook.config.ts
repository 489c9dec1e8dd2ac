import { defineConfig, setting, type ConfigOf } from '@linker/config';
import { jwksSettings } from '@linker/topology';

/**
 * How the processors send the apps' webhooks (docs/protocol.md, Webhooks) and read their key sets (`jwksUrl`): the
 * embedded mode reads them too.
 */
export const webhookSettings = {
  ...jwksSettings,
  webhookTimeoutMs: setting({
    env: 'LINKER_WEBHOOK_TIMEOUT_MS',
    kind: 'integer',
    default: 5000,
    min: 100,
    max: 60000,
    doc: "Longest wait for an app's webhook receiver to answer a request; no 2xx answer in time is a failure: the batch is tried again later.",
  }),
  webhookConcurrency: setting({
    env: 'LINKER_WEBHOOK_CONCURRENCY',
    kind: 'integer',
    default: 16,
    min: 1,
    max: 1000,
    doc: "Most webhook requests one processor has under way at once; one app's receiver gets at most a quarter of them (at least one), so a slow receiver leaves room for the others.",
  }),
  webhookMaxAttempts: setting({
    env: 'LINKER_WEBHOOK_MAX_ATTEMPTS',
    kind: 'integer',
    default: 8,
    min: 1,
    max: 100,
    doc: 'Attempts of one webhook batch (the first included) before it is dropped (`linker_webhook_dropped_total`, a warning); a batch older than an hour is dropped too. Retries wait from 1 s, doubling, at most 5 min, with full jitter.',
  }),
  webhookMaxPending: setting({
    env: 'LINKER_WEBHOOK_MAX_PENDING',
    kind: 'integer',
    default: 10000,
    min: 1,
    max: 10000000,
    doc: 'Most webhook events of one app waiting for a retry; beyond it the oldest are dropped (`linker_webhook_dropped_total`, a warning).',
  }),
};

/** The webhook settings alone: what the embedded mode reads from the environment. */
export const webhookConfig = defineConfig(webhookSettings);

export type WebhookSettings = ConfigOf<typeof webhookSettings>;
