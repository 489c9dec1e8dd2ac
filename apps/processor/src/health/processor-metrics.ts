import { Metrics } from '@linker/observability';
import { registerLinkMetrics } from '../federation/link-metrics';
import { registerWebhookMetrics } from '../webhooks/webhook-metrics';
import type { ProcessorHealth, ProcessorStats } from './processor-stats';

const STATS: Array<[keyof ProcessorStats, string]> = [
  ['processed', 'intake records whose effects were written'],
  ['duplicates', 'intake records skipped as already seen'],
  ['retries', 'handler attempts tried again'],
  ['deadLettered', 'envelopes parked in the dead-letter store'],
  ['failedBatches', 'batches handed back to the lane'],
  ['storedThenHanded', 'stored messages handed to sockets their recipients opened meanwhile'],
  ['authBusy', "logins refused because their app's webhook queue was full"],
];

/** A registry with the process metrics, the processor's counters and its per-link figures, all read at scrape time. */
export function processorMetrics(health: () => ProcessorHealth): Metrics {
  const { domain, name } = health();
  const metrics = new Metrics({ domain, processor: name });
  for (const [field, help] of STATS) {
    metrics.sampledGauge(`linker_processor_${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`, help, [], (gauge) =>
      gauge.set(health().stats[field]),
    );
  }
  metrics.sampledGauge('linker_processor_pending_removals', 'messages reported delivered, not yet removed from the mailbox', [], (gauge) =>
    gauge.set(health().pendingRemovals),
  );
  metrics.sampledCounter(
    'linker_mailbox_dropped_total',
    'messages dropped from mailboxes: over the cap (cap) or too old (age)',
    ['app', 'reason'],
    function* () {
      for (const [app, byReason] of Object.entries(health().mailboxDropped)) {
        for (const [reason, count] of Object.entries(byReason)) yield [{ app, reason }, count];
      }
    },
  );
  metrics.sampledGauge('linker_analytics_dropped', 'analytics events dropped: the store failed or did not answer', [], (gauge) =>
    gauge.set(health().analytics?.dropped ?? 0),
  );
  registerLinkMetrics(metrics, () => health().links ?? []);
  registerWebhookMetrics(metrics, () => health().webhooks);
  return metrics;
}
