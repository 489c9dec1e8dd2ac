import type { Metrics } from '@linker/observability';
import type { AppWebhookReport } from './webhook-stats';

const COUNTERS: Array<[Exclude<keyof AppWebhookReport, 'pending'>, string, string]> = [
  ['sent', 'linker_webhook_sent_total', 'webhook events their receivers accepted (2xx)'],
  ['failed', 'linker_webhook_failed_total', 'webhook requests that failed (not 2xx, timeout, unreachable)'],
  ['dropped', 'linker_webhook_dropped_total', 'webhook events given up (attempts or age exhausted, retry backlog full, webhook removed)'],
];

/** Per app: `linker_webhook_{sent,failed,dropped}_total` and `linker_webhook_pending` (the retry backlog read here). */
export function registerWebhookMetrics(metrics: Metrics, report: () => Record<string, AppWebhookReport>): void {
  for (const [field, name, help] of COUNTERS) {
    metrics.sampledCounter(name, help, ['app'], () => Object.entries(report()).map(([app, counts]) => [{ app }, counts[field]]));
  }
  metrics.sampledGauge('linker_webhook_pending', 'webhook events waiting for a retry on this processor', ['app'], (gauge) => {
    for (const [app, counts] of Object.entries(report())) gauge.set({ app }, counts.pending);
  });
}
