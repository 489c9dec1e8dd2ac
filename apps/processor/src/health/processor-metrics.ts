import type { Lane } from '@linker/contracts';
import { Metrics } from '@linker/observability';
import { registerLinkMetrics } from '../federation/link-metrics';
import { registerWebhookMetrics } from '../webhooks/webhook-metrics';
import type { ProcessorHealth, ProcessorStats } from './processor-stats';

/** Counters of `ProcessorStats`, exported as `linker_processor_<name>_total`, read at each scrape. */
const COUNTERS: Array<[keyof ProcessorStats, string, string]> = [
  ['duplicates', 'duplicates', 'intake records skipped as already seen'],
  ['retries', 'retries', 'handler attempts tried again'],
  ['deadLettered', 'dead_lettered', 'envelopes parked in the dead-letter store'],
  ['failedBatches', 'failed_batches', 'batches handed back to the lane'],
  ['storedThenHanded', 'stored_then_handed', 'stored messages handed to sockets their recipients opened meanwhile'],
  ['authBusy', 'auth_busy', "logins refused because their app's webhook queue was full"],
];

/** Seconds: from a millisecond to five minutes (a message that waited for a link or a retry). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Seconds one batch takes, from its records' decoding to its effects written. */
const HANDLING_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Records in one intake batch. */
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** What the intake tells the metrics, per lane; every call is a few additions on pre-bound histogram children. */
export interface BatchObserver {
  /** How long a delivered message took from its creation (`createdAt`) to its delivery being handed on, in ms. */
  delivery(lane: Lane, latencyMs: number): void;
  /** A batch of `records` handled (written or handed back) in `ms`. */
  batch(lane: Lane, records: number, ms: number): void;
}

export interface ProcessorMetrics {
  metrics: Metrics;
  observe: BatchObserver;
}

/**
 * The processor's metrics on `metrics` (the embedded mode passes the one registry of its process; else a registry of
 * its own with the process metrics): its counters, per-link figures and webhook counts, read at scrape time; the
 * delivery latency (`linker_delivery_latency_seconds{lane}`), batch size and batch handling histograms per lane,
 * recorded as batches are written.
 */
export function processorMetrics(
  identity: { domain: string; name: string },
  health: () => ProcessorHealth,
  metrics = new Metrics({ domain: identity.domain, processor: identity.name }),
): ProcessorMetrics {
  metrics.sampledCounter('linker_processor_processed_total', 'intake records whose effects were written, per lane', ['lane'], () => {
    const { processedReliable, processedFast } = health().stats;
    return [
      [{ lane: 'RELIABLE' }, processedReliable],
      [{ lane: 'FAST' }, processedFast],
    ];
  });
  for (const [field, name, help] of COUNTERS) {
    metrics.sampledCounter(`linker_processor_${name}_total`, help, [], () => [[{}, health().stats[field]]]);
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
  metrics.sampledCounter('linker_analytics_dropped_total', 'analytics events dropped: the store failed or did not answer', [], () => [
    [{}, health().analytics?.dropped ?? 0],
  ]);
  registerLinkMetrics(
    metrics,
    () => health().links ?? [],
    () => health().linkTlsRefusedInbound ?? 0,
  );
  registerWebhookMetrics(metrics, () => health().webhooks);
  return { metrics, observe: batchObserver(metrics) };
}

function batchObserver(metrics: Metrics): BatchObserver {
  const latency = metrics.histogram(
    'linker_delivery_latency_seconds',
    "time from a message's creation to its delivery being handed to the recipient's connector (not fetched ones)",
    LATENCY_BUCKETS,
    ['lane'],
  );
  const size = metrics.histogram('linker_processor_batch_records', 'records in one intake batch', BATCH_BUCKETS, ['lane']);
  const handling = metrics.histogram(
    'linker_processor_batch_seconds',
    'time to handle one intake batch, from decoding to its effects written (or handed back)',
    HANDLING_BUCKETS,
    ['lane'],
  );
  // Children bound once per lane: recording allocates nothing.
  const lanes = (['RELIABLE', 'FAST'] as const).map((lane) => ({
    lane,
    latency: latency.labels({ lane }),
    size: size.labels({ lane }),
    handling: handling.labels({ lane }),
  }));
  const of = (lane: Lane) => (lane === 'RELIABLE' ? lanes[0] : lanes[1]);
  return {
    delivery: (lane, ms) => of(lane).latency.observe(Math.max(0, ms) / 1000),
    batch: (lane, records, ms) => {
      const children = of(lane);
      children.size.observe(records);
      children.handling.observe(Math.max(0, ms) / 1000);
    },
  };
}
