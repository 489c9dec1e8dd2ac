import { AnalyticsRecorder, type AnalyticsStore } from '@linker/analytics';
import type { Lanes } from '@linker/bus';
import { AUTH_BUSY_RETRY_AFTER_MS } from '@linker/contracts';
import { errorMessage, IdWindow, systemClock, type Clock } from '@linker/kernel';
import type { Mailbox } from '@linker/mailbox';
import type { Logger } from '@linker/observability';
import type { ChannelHistory, Presence } from '@linker/presence';
import { jwksOptions, type TopologyView } from '@linker/topology';
import type { FetchFn } from './auth/auth-webhook';
import { Authenticator } from './auth/authenticator';
import { WebhookLogins } from './auth/webhook-logins';
import type { ProcessorSettings } from './config/processor.config';
import { EndedConnectors } from './connectors/ended-connectors';
import { Dispatcher } from './dispatch/dispatcher';
import { Federation, type FederationDeps } from './federation/federation';
import { createHandlers } from './handlers';
import type { BatchObserver } from './health/processor-metrics';
import { ProcessorStats, type ProcessorHealth } from './health/processor-stats';
import { BatchRunner } from './intake/batch-runner';
import { IntakeConsumer } from './intake/intake-consumer';
import { MailboxLimitsKeeper } from './mailbox-limits/mailbox-limits';
import { KeyedLock } from './stored-messages/keyed-lock';
import { OutForDelivery } from './stored-messages/out-for-delivery';
import { RemovalQueue } from './stored-messages/removal-queue';
import { WebhookProducer } from './webhooks/webhook-producer';
import { WebhookSender } from './webhooks/webhook-sender';

/**
 * How long the de-duplication windows (the intake's: redelivered records; the confirmations': each sent once) remember
 * an id at most (docs/protocol.md, De-duplication: up to 10 minutes). Forgetting early is safe: every effect is idempotent (mailbox by id,
 * connector by (socket, id)); a window only saves repeated work.
 */
const DEDUP_MAX_AGE_MS = 10 * 60_000;

/** What a processor is made of. The caller owns (opens and closes) the lanes, presence and mailbox. */
export interface ProcessorDeps {
  config: ProcessorSettings;
  lanes: Lanes;
  presence: Presence;
  mailbox: Mailbox;
  /** The current topology; called once per batch, so a new version applies from the next batch on. */
  topology: () => TopologyView;
  logger: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /** For apps' `authUrl` webhooks and their event webhooks. Default: the global `fetch`. */
  fetch?: FetchFn;
  /** Where RELIABLE publications of channels with a history are kept (ADR 0018); without, none is. */
  history?: ChannelHistory;
  /** Links to the other domains (ADR 0009); without, users of other domains are unreachable from here. */
  federation?: FederationDeps;
  /** Told each batch's size and handling time, and the latency of each message handed to a connector (histograms). */
  observe?: BatchObserver;
  /** Where analytics are written (stored, fetched, dead-lettered); without, nothing is counted. */
  analytics?: AnalyticsStore;
}

/**
 * One routing worker of a domain: consumes the intake on both lanes, routes each envelope (docs/protocol.md), and
 * writes deliveries to connector topics and undelivered messages to the mailbox. A plain class: the embedded mode
 * builds it with twins, the Nest module with real adapters; nothing per message goes through DI.
 *
 * Lifecycle: `start` joins the intake groups (resolves once joined), and the webhook senders' groups once an app has a
 * webhook, and starts draining the topics of connectors that ended (`EndedConnectors`); `stop` stops that, then leaves the groups gracefully, letting the batches in hand finish
 * and commit, and lets the webhook logins under way be answered; both are idempotent. Several processors of a domain
 * share the work.
 */
export class Processor {
  private readonly stats = new ProcessorStats();
  private readonly intake: IntakeConsumer;
  private readonly webhookLogins: WebhookLogins;
  private readonly endedConnectors: EndedConnectors;
  private readonly federation: Federation | undefined;
  private readonly removals: RemovalQueue;
  private readonly mailboxLimits: MailboxLimitsKeeper;
  private readonly analytics: AnalyticsRecorder | undefined;
  private readonly webhooks: WebhookSender;
  private state: 'new' | 'starting' | 'running' | 'stopped' = 'new';

  constructor(private readonly deps: ProcessorDeps) {
    const { config, lanes, presence, mailbox, topology } = deps;
    const clock = deps.clock ?? systemClock;
    const logger = deps.logger.child({ component: 'processor' });
    this.federation =
      deps.federation &&
      new Federation({
        ...deps.federation,
        domain: config.domain,
        member: config.name,
        channelInterestMs: config.channelInterestMs,
        lanes,
        partitions: config.partitions,
        mailbox,
        topology,
        logger,
      });
    const outForDelivery = new OutForDelivery();
    const onRemoved = (userId: string, ids: ReadonlySet<string>): void => outForDelivery.removed(userId, ids);
    this.removals = new RemovalQueue({ mailbox, logger, retryBackoffMs: config.retryBackoffMs, onRemoved });
    const { domain, partitions } = config;
    const webhookEvents = new WebhookProducer(topology, domain, clock);
    this.webhooks = new WebhookSender({
      bus: lanes.RELIABLE,
      domain,
      partitions,
      settings: config,
      topology,
      fetch: deps.fetch ?? fetch,
      clock,
      logger,
    });
    const store = deps.analytics;
    this.analytics = store && new AnalyticsRecorder({ store, logger: logger.child({ component: 'analytics' }), now: () => clock.now() });
    const dispatcher = new Dispatcher(
      lanes,
      mailbox,
      this.removals,
      domain,
      partitions,
      this.federation?.sendFast,
      webhookEvents,
      this.analytics,
    );
    this.mailboxLimits = new MailboxLimitsKeeper({
      mailbox,
      dispatcher,
      domain: config.domain,
      topology,
      sweepIntervalMs: config.mailboxSweepIntervalMs,
      clock,
      logger,
    });
    const authenticator = new Authenticator({
      domain: config.domain,
      timeoutMs: config.authWebhookTimeoutMs,
      fetch: deps.fetch ?? fetch,
      jwks: jwksOptions(config),
      now: () => clock.now(),
      logger,
    });
    this.webhookLogins = new WebhookLogins({
      limits: { concurrency: config.authWebhookConcurrency, queue: config.authWebhookQueue, maxWaitMs: config.authWebhookTimeoutMs },
      retryAfterMs: AUTH_BUSY_RETRY_AFTER_MS,
      authenticator,
      dispatcher,
      retries: config.handlerRetries,
      retryBackoffMs: config.retryBackoffMs,
      stats: this.stats,
      logger,
    });
    const handlers = createHandlers({
      settings: config,
      mailbox,
      dispatcher,
      authenticator,
      webhookLogins: this.webhookLogins,
      logger,
      confirmed: new IdWindow({ capacity: config.dedupWindow, maxAgeMs: DEDUP_MAX_AGE_MS, clock }),
      fetchLocks: new KeyedLock(),
      outForDelivery,
      federation: this.federation,
      history: deps.history,
    });
    const seen = new IdWindow({ capacity: config.dedupWindow, maxAgeMs: DEDUP_MAX_AGE_MS, clock });
    const runner = new BatchRunner({
      settings: config,
      handlers,
      dispatcher,
      presence,
      topology,
      routes: this.federation?.routes,
      seen,
      stats: this.stats,
      observe: deps.observe,
      onStored: this.mailboxLimits.stored,
      clock,
      logger,
    });
    this.intake = new IntakeConsumer(lanes, config.domain, config.partitions, runner, logger);
    this.endedConnectors = new EndedConnectors({
      presence,
      bus: lanes.RELIABLE,
      domain: config.domain,
      intervalMs: config.endedConnectorsIntervalMs,
      clock,
      logger,
    });
  }

  /** Join the intake on both lanes. Rejects (having left whatever it joined) if a lane refuses. */
  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'starting';
    this.warnAboutOpenApps();
    try {
      await this.intake.start();
      await this.startWebhooks(this.deps.topology());
      await this.federation?.start();
    } catch (error) {
      await this.federation?.stop();
      await this.webhooks.stop();
      await this.intake.stop();
      await this.webhookLogins.stop();
      this.state = 'stopped';
      throw error;
    }
    this.state = 'running';
    this.endedConnectors.start();
    this.mailboxLimits.start();
    this.deps.logger.info('processor consuming', { domain: this.deps.config.domain, processor: this.deps.config.name });
  }

  /**
   * Stop consuming; resolves once the batches in hand are finished and committed and the webhook calls under way
   * answered (logins still waiting for one are dropped: their sockets close at the connector's auth deadline).
   */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    await this.endedConnectors.stop();
    await this.federation?.stop();
    await this.intake.stop();
    await this.mailboxLimits.stop();
    await this.webhooks.stop();
    await this.webhookLogins.stop();
    await this.removals.close();
    await this.analytics?.stop();
  }

  /**
   * A new topology version (the composition calls this from its topology source's `onChange`). Routing, auth and
   * placement read the topology per batch, so they apply it from the next batch on; this applies at once what must not
   * wait for traffic: links opened and closed, the custody queues of new neighbours.
   */
  topologyChanged(view: TopologyView, version: string): void {
    this.deps.logger.info('topology version applied', {
      version,
      domains: view.topology.domains.length,
      links: view.topology.domainLinks.length,
    });
    if (this.state === 'running') {
      this.federation?.follow(view);
      this.startWebhooks(view).catch((error: unknown) =>
        this.deps.logger.error('cannot join the webhook senders', { reason: errorMessage(error) }),
      );
    }
    this.warnAboutOpenApps(view);
  }

  health(): ProcessorHealth {
    const { domain, name } = this.deps.config;
    const health: ProcessorHealth = {
      running: this.state === 'running',
      domain,
      name,
      stats: { ...this.stats },
      pendingRemovals: this.removals.size,
      pendingTrims: this.mailboxLimits.pendingTrims,
      mailboxDropped: this.mailboxLimits.dropped(),
      webhooks: this.webhooks.report(),
    };
    if (this.federation) {
      health.links = this.federation.links();
      health.linkTlsRefusedInbound = this.federation.tlsRefusedInbound();
    }
    if (this.analytics) health.analytics = this.analytics.counts();
    return health;
  }

  /** Send webhooks once an app has one: until then the two groups on the webhook topics cost nothing. */
  private async startWebhooks(view: TopologyView): Promise<void> {
    if (view.topology.clientApps.some((app) => app.webhook !== undefined)) await this.webhooks.start();
  }

  /** `authEnabled: false` is for development only (docs/protocol.md, Authentication); say so for each such app at start-up. */
  private warnAboutOpenApps(view: TopologyView = this.deps.topology()): void {
    for (const app of view.topology.clientApps) {
      if (app.authEnabled === false)
        this.deps.logger.warn('client app accepts every login (authEnabled: false; development only)', { app: app.appName });
    }
  }
}
