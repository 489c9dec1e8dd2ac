import type { InboundLinkMetrics, OutboundLinkMetrics } from '@linker/domain-link';
import type { Metrics } from '@linker/observability';

/** What this processor knows of one link to a neighbour, both ways. */
export interface LinkReport {
  peer: string;
  /** This processor's outbound connection is up (authenticated, answering heartbeats). */
  up: boolean;
  /** When `up` last changed, epoch ms. */
  since: number;
  /** Envelopes the forwarder holds in custody for this link while it is down (the batch in hand; 0 while moving). */
  waiting: number;
  /** FAST envelopes dropped because the link was down or its window full. */
  fastDropped: number;
  inFlightBatches: number;
  sentEnvelopes: number;
  sentBytes: number;
  ackedEnvelopes: number;
  /** From the neighbour, over the connections this process accepted (0 where it does not hold the endpoint). */
  receivedEnvelopes: number;
  receivedBytes: number;
  /** Last round trip (a batch's ack or a heartbeat's pong), ms. */
  rttMs?: number;
  /** Connection attempts to the neighbour refused because TLS failed (its certificate did not verify, or it refused ours). */
  tlsRefused: number;
}

/** One report per neighbour from the outbound links, the listener's inbound counters and the forwarders' waits. */
export function linkReports(
  outbound: readonly OutboundLinkMetrics[],
  inbound: readonly InboundLinkMetrics[],
  local: { waiting(peer: string): number; fastDropped(peer: string): number },
): LinkReport[] {
  const received = new Map(inbound.map((m) => [m.peer, m]));
  return outbound.map((m) => ({
    peer: m.peer,
    up: m.up,
    since: m.since,
    waiting: local.waiting(m.peer),
    fastDropped: local.fastDropped(m.peer),
    inFlightBatches: m.inFlightBatches,
    sentEnvelopes: m.sentEnvelopes,
    sentBytes: m.sentBytes,
    ackedEnvelopes: m.ackedEnvelopes,
    receivedEnvelopes: received.get(m.peer)?.receivedEnvelopes ?? 0,
    receivedBytes: received.get(m.peer)?.receivedBytes ?? 0,
    rttMs: m.lastRttMs,
    tlsRefused: m.tlsRefused,
  }));
}

/** Numeric fields exported as Prometheus gauges `linker_link_<name>{peer}`, read at each scrape (nothing on the hot path). */
const GAUGES: Array<[keyof LinkReport, string, string]> = [
  ['up', 'up', '1 while this processor’s link to the neighbour is up'],
  ['waiting', 'custody_waiting', 'envelopes waiting in custody for the link'],
  ['inFlightBatches', 'in_flight_batches', 'batches sent and not yet acknowledged'],
  ['rttMs', 'rtt_ms', 'last round trip to the neighbour, ms'],
];

/** Counts since the processor started, exported as counters `linker_link_<name>_total{peer}`, read at each scrape. */
const COUNTERS: Array<[keyof LinkReport, string, string]> = [
  ['fastDropped', 'fast_dropped', 'FAST envelopes dropped because the link was down or its window full'],
  ['sentEnvelopes', 'sent_envelopes', 'envelopes sent to the neighbour'],
  ['sentBytes', 'sent_bytes', 'bytes sent to the neighbour'],
  ['ackedEnvelopes', 'acked_envelopes', 'envelopes the neighbour acknowledged having stored'],
  ['receivedEnvelopes', 'received_envelopes', 'envelopes received from the neighbour'],
  ['receivedBytes', 'received_bytes', 'bytes received from the neighbour'],
];

/**
 * Register the per-link gauges and counters on `metrics`, filled from `reports()` whenever they are scraped, and
 * `linker_link_tls_refused_total{peer}`: link connections refused because TLS failed, per neighbour dialed, and
 * `peer="inbound"` for connections to this domain's link endpoint (`inbound()`) whose TLS handshake failed.
 */
export function registerLinkMetrics(metrics: Metrics, reports: () => LinkReport[], inbound: () => number = () => 0): void {
  metrics.sampledCounter('linker_link_tls_refused_total', 'link connections refused because TLS failed', ['peer'], function* () {
    for (const report of reports()) yield [{ peer: report.peer }, report.tlsRefused];
    yield [{ peer: 'inbound' }, inbound()];
  });
  for (const [field, name, help] of GAUGES) {
    metrics.sampledGauge(`linker_link_${name}`, help, ['peer'], (gauge) => {
      for (const report of reports()) {
        const value = report[field];
        if (value !== undefined) gauge.set({ peer: report.peer }, Number(value));
      }
    });
  }
  for (const [field, name, help] of COUNTERS) {
    metrics.sampledCounter(`linker_link_${name}_total`, help, ['peer'], function* () {
      for (const report of reports()) yield [{ peer: report.peer }, Number(report[field] ?? 0)];
    });
  }
}
