import type { Lane } from '@linker/contracts';
import { Metrics } from '@linker/observability';
import { registerLinkMetrics } from '../federation/link-metrics';
import { registerWebhookMetrics } from '../webhooks/webhook-metrics';
import type { ProcessorHealth, ProcessorStats } from './processor-stats';

const STATS: Array<[keyof ProcessorStats, string]> = [
  ['processed', 'intake records whose effects were written'],
  ['processedReliable', 'intake records whose effects were written, RELIABLE lane'],
  ['processedFast', 'intake records whose effects were written, FAST lane'],
  ['duplicates', 'intake records skipped as already seen'],
  ['retries', 'handler attempts tried again'],
  ['deadLettered', 'envelopes parked in the dead-letter store'],
  ['failedBatches', 'batches handed back to the lane'],
  ['storedThenHanded', 'stored messages handed to sockets their recipients opened meanwhile'],
  ['authBusy', "logins refused because their app's webhook queue was full"],
];

/** Seconds: from a millisecond to half a minute (a message that waited for a link or a retry). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Records how long a delivered message took from its creation (`createdAt`) to its delivery being handed on, in ms. */
export type DeliveryObserver = (lane: Lane, latencyMs: number) => void;

export interface ProcessorMetrics {
  metrics: Metrics;
  observeDelivery: DeliveryObserver;
}

/**
 * A registry with the process metrics, the processor's counters and its per-link figures, all read at scrape time,
 * and the delivery latency histogram (`linker_delivery_latency_seconds{lane}`), recorded as batches are written.
 */
export function processorMetrics(identity: { domain: string; name: string }, health: () => ProcessorHealth): ProcessorMetrics {
  const metrics = new Metrics({ domain: identity.domain, processor: identity.name });
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
  registerLinkMetrics(
    metrics,
    () => health().links ?? [],
    () => health().linkTlsRefusedInbound ?? 0,
  );
  registerWebhookMetrics(metrics, () => health().webhooks);
  const latency = metrics.histogram(
    'linker_delivery_latency_seconds',
    "time from a message's creation to its delivery being handed to the recipient's connector (not fetched ones)",
    LATENCY_BUCKETS,
    ['lane'],
  );
  return { metrics, observeDelivery: (lane, ms) => latency.observe({ lane }, Math.max(0, ms) / 1000) };
}
