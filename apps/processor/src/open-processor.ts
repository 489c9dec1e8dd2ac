import type { AnalyticsStore } from '@linker/analytics';
import type { Lanes } from '@linker/bus';
import { linkTlsOf, WsLinkTransport } from '@linker/domain-link';
import type { Service } from '@linker/lifecycle';
import type { Mailbox } from '@linker/mailbox';
import { probeChecks, readiness, type Logger, type Metrics, type Readiness, type ReadinessCheck } from '@linker/observability';
import type { ChannelHistory, Presence } from '@linker/presence';
import type { TopologySource } from '@linker/topology';
import { AnalyticsReporter, type ReportSink } from './analytics/analytics-reporter';
import type { ProcessorSettings } from './config/processor.config';
import type { FederationDeps } from './federation/federation';
import { DeadLetterDesk } from './health/dead-letter-desk';
import { startOpsServer, type OpsServer } from './health/ops-server';
import type { ProcessorHealth } from './health/processor-stats';
import { processorMetrics } from './health/processor-metrics';
import { Processor } from './processor';

/** What a processor runs on; the caller opens and closes them (real services, or the embedded mode's twins). */
export interface ProcessorAdapters {
  lanes: Lanes;
  presence: Presence;
  mailbox: Mailbox;
  /** Where RELIABLE publications of channels with a history are kept; without, none is. */
  history?: ChannelHistory;
  /** Followed: a new version applies from the next batch on, and to the links at once. */
  topology: TopologySource;
  logger: Logger;
  /** Where analytics are written; without, nothing is counted. */
  analytics?: AnalyticsStore;
  /** Where the domain's analytics are reported every `analyticsReportMs` (with `analytics`); without, nowhere. */
  reportAnalytics?: ReportSink;
  /** The registry to record on (the embedded mode's one registry); without, one of its own with the process metrics. */
  metrics?: Metrics;
}

/**
 * A processor as every mode runs it (the Nest module on the real services, the embedded mode on the twins), not started:
 * it follows `adapters.topology`, links its domain to the neighbours over WebSockets when `linkSecret` is set (and
 * says so when the topology gives the domain a link endpoint but no secret is set), and serves `GET /metrics` and
 * `GET /health` when `metricsPort` is set.
 */
export function openProcessor(settings: ProcessorSettings, adapters: ProcessorAdapters): ProcessorService {
  const { lanes, presence, mailbox, history, topology, logger, analytics } = adapters;
  const federation = federationOf(settings, topology, logger);
  const { metrics, observe } = processorMetrics(settings, () => processor.health(), adapters.metrics);
  const processor: Processor = new Processor({
    config: settings,
    lanes,
    presence,
    mailbox,
    history,
    topology: () => topology.current(),
    logger,
    federation,
    observe,
    analytics,
  });
  topology.onChange((view, version) => processor.topologyChanged(view, version));
  const { domain, partitions } = settings;
  const deadLetters = new DeadLetterDesk({ mailbox, lanes, domain, partitions, logger });
  const checks = readinessChecks(adapters);
  return new ProcessorService(processor, settings, logger, metrics, deadLetters, checks, reporterOf(settings, adapters));
}

/** A processor and its metrics endpoint: `start` opens the endpoint, then joins the intake; `stop` in reverse. */
export class ProcessorService implements Service {
  private ops: OpsServer | undefined;

  constructor(
    private readonly processor: Processor,
    private readonly settings: ProcessorSettings,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    /** The dead-letter park for operators: the ops endpoint's routes, and the embedded mode's web UI directly. */
    readonly deadLetters: DeadLetterDesk,
    private readonly checks: readonly ReadinessCheck[],
    private readonly reporter?: AnalyticsReporter,
  ) {}

  /** `GET /metrics` of this processor as text, served or not (the embedded mode's web UI reads it in-process). */
  metricsText(): Promise<string> {
    return this.metrics.exposition();
  }

  /** Whether it consumes, its counters and its links. */
  health(): ProcessorHealth {
    return this.processor.health();
  }

  /** Ready: consuming the intake, and the lanes, presence and the mailbox answer. */
  ready(): Promise<Readiness> {
    return readiness(this.health().running, this.checks);
  }

  /** `GET /metrics` of this processor while started, when served. */
  get metricsUrl(): string | undefined {
    return this.ops && `${this.ops.url}/metrics`;
  }

  async start(): Promise<void> {
    const { metricsHost, metricsPort } = this.settings;
    if (metricsPort !== undefined) {
      const access = { adminToken: this.settings.adminToken, desk: this.deadLetters };
      const ops = { metrics: this.metrics, health: () => this.health(), ready: () => this.ready(), deadLetters: access };
      this.ops = await startOpsServer(metricsHost, metricsPort, ops);
      this.logger.info('metrics served', { url: this.metricsUrl });
    }
    try {
      await this.processor.start();
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.reporter?.start();
  }

  async stop(): Promise<void> {
    await this.reporter?.stop();
    await this.processor.stop();
    await this.ops?.close();
    this.ops = undefined;
  }
}

/** The services a processor needs: both lanes (its consumers and producers), presence (Redis) and the mailbox store. */
function readinessChecks({ lanes, presence, mailbox }: ProcessorAdapters): ReadinessCheck[] {
  return probeChecks({ reliableLane: lanes.RELIABLE, fastLane: lanes.FAST, presence, mailbox });
}

/** Reports the domain's analytics when there are analytics and somewhere to send them. */
function reporterOf(settings: ProcessorSettings, { analytics: store, reportAnalytics: send, topology, logger }: ProcessorAdapters) {
  if (store === undefined || send === undefined) return undefined;
  const { domain, analyticsReportMs: intervalMs } = settings;
  return new AnalyticsReporter({
    store,
    domain,
    topology: () => topology.current(),
    send,
    intervalMs,
    logger: logger.child({ component: 'analytics' }),
  });
}

/** Links over WebSockets when a link secret is set (ADR 0009). */
function federationOf(settings: ProcessorSettings, topology: TopologySource, logger: Logger): FederationDeps | undefined {
  const secret = settings.linkSecret;
  if (secret === undefined) {
    if (topology.current().endpoints(settings.domain).link !== undefined) {
      logger.warn('no LINKER_LINK_SECRET: links to the other domains are off (their users are unreachable from here)');
    }
    return undefined;
  }
  const { linkListen: listen, linkHost: listenHost, linkPort: listenPort, linkFailoverMs: failoverMs } = settings;
  const tls = linkTlsOf(settings, listen);
  if (tls.allowCleartext) {
    const endpoint = listen && tls.listen === undefined ? '; so is this domain’s link endpoint (no LINKER_LINK_TLS_CERT_FILE)' : '';
    logger.warn(`LINKER_LINKS_ALLOW_CLEARTEXT: links to neighbours with a ws:// or tcp:// endpoint are unencrypted${endpoint}`);
  }
  return { transport: new WsLinkTransport(), secretFor: () => secret, listen, listenHost, listenPort, failoverMs, tls };
}
