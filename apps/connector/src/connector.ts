import type { AnalyticsStore } from '@linker/analytics';
import type { Lanes } from '@linker/bus';
import { LinkerError, systemClock, type Clock } from '@linker/kernel';
import { tlsFilesOf } from '@linker/lifecycle';
import { Metrics, probeChecks, readiness, type Logger, type Readiness, type ReadinessCheck } from '@linker/observability';
import type { ChannelHistory, Presence } from '@linker/presence';
import { jwksOptions, type TopologyView } from '@linker/topology';
import { ConnectorAnalytics } from './analytics/connector-analytics';
import { API_PREFIX } from './api/api-routes';
import { ServerApi, type ServerApiLimits } from './api/server-api';
import type { ConnectorSettings } from './config/connector.config';
import { ReportOutbox } from './egress/delivery-reports';
import { DeliveryWriter } from './egress/delivery-writer';
import { Egress } from './egress/egress';
import { isServing, type ConnectorHealth, type ConnectorStatus } from './health/connector-health';
import { Ingress } from './ingress/ingress';
import { IntakePublisher } from './ingress/intake-publisher';
import { LaneBacklog } from './ingress/lane-backlog';
import { LoopStall } from './ingress/loop-stall';
import { rateLimits } from './ingress/rate-limiter';
import { UserRates } from './ingress/user-rates';
import { PresenceKeeper } from './presence/presence-keeper';
import { ChannelSubscribers } from './channels/channel-subscribers';
import { CompatEndpoints } from './compat/compat-endpoints';
import { checkSettings } from './config/check-settings';
import { InterestAnnouncer } from './channels/interest-announcer';
import { Subscriptions } from './channels/subscriptions';
import { AuthFlow } from './sessions/auth-flow';
import { evictionOf } from './sessions/belonging';
import type { Session, SessionLimits, SessionState } from './sessions/session';
import { SessionRegistry } from './sessions/session-registry';
import type { ClientSocket } from './socket/client-socket';
import { Heartbeat } from './socket/heartbeat';
import { WS_PATH, WsServer } from './socket/ws-server';
import type { ConnectorErrorCode } from './errors';
import { connectorMetrics, type ConnectorMeter } from './health/connector-metrics';

/** What a connector is made of: its settings and the ports it uses (real adapters, or memory twins when embedded). */
export interface ConnectorDependencies {
  config: ConnectorSettings;
  lanes: Lanes;
  presence: Presence;
  logger: Logger;
  /** Channel histories (real mode: Redis; embedded: in memory); absent: none is kept or recovered. */
  history?: ChannelHistory;
  /** The current topology (the source's `current`): the server API's keys, who lives where, channel rules. */
  topology: () => TopologyView;
  /** Time for rate limits, de-duplication and envelope timestamps; the system clock by default. */
  clock?: Clock;
  /** Where analytics are written (real mode: Redis; embedded: in memory); absent: nothing is counted. */
  analytics?: AnalyticsStore;
  /** The registry its metrics go to (the embedded mode's one registry); absent: one of its own, with the process metrics. */
  metrics?: Metrics;
}

/**
 * The WebSocket edge of one domain (docs/protocol.md): a plain class, no framework on the hot path.
 * `start()` clears a crashed predecessor's presence, takes the presence lease, subscribes to this connector's
 * deliveries and then listens. `stop()` drains: refuse new connections; close every socket with 1001 (presence
 * removed and USER_DISCONNECTED published for each authenticated one) while deliveries keep being consumed, so what was
 * already routed here is reported undelivered (to the mailbox) rather than stranded; once the sockets are gone, leave
 * the delivery groups (the batch in hand finishes and is reported), publish what the outbox holds, end the lease.
 */
export class Connector {
  private status: ConnectorStatus = 'created';
  private stopping: Promise<void> | undefined;
  private readonly config: ConnectorSettings;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly sessions: SessionRegistry;
  private readonly keeper: PresenceKeeper;
  private readonly auth: AuthFlow;
  private readonly ingress: Ingress;
  private readonly backlog: LaneBacklog;
  private readonly egress: Egress;
  private readonly outbox: ReportOutbox;
  private readonly server: WsServer;
  private readonly heartbeat: Heartbeat;
  private readonly api: ServerApi;

  private readonly channels: Subscriptions;
  private readonly compat: CompatEndpoints;
  private readonly interest: InterestAnnouncer;
  private readonly analytics: ConnectorAnalytics | undefined;
  private readonly metrics: Metrics;
  private readonly meter: ConnectorMeter;
  /** The services readiness asks: both lanes and presence. */
  private readonly checks: () => ReadinessCheck[];

  constructor(deps: ConnectorDependencies) {
    const { config, lanes, presence, history, logger, topology, clock = systemClock, analytics: store } = deps;
    checkSettings(config);
    this.metrics = deps.metrics ?? new Metrics({ domain: config.domain, connector: config.name });
    this.meter = connectorMetrics(this.metrics, { sockets: () => this.socketFigures() });
    const { meter } = this;
    this.checks = () => probeChecks({ reliableLane: lanes.RELIABLE, fastLane: lanes.FAST, presence });
    this.config = config;
    this.clock = clock;
    this.log = logger.child({ component: 'connector' });
    const serving = (): boolean => this.status === 'running';
    this.analytics = store && new ConnectorAnalytics({ config, store, topology, clock, logger, serving });
    const analytics = this.analytics?.recorder;
    this.sessions = new SessionRegistry(
      config.domain,
      config.name,
      sessionLimits(config),
      (session) => analytics?.user(session.app, 'connected_users', session.userId as string),
      meter,
    );
    const intake = new IntakePublisher(lanes, config.domain, clock, config.partitions);
    const subscribers = new ChannelSubscribers(() => this.interest.changed());
    this.keeper = new PresenceKeeper({
      presence,
      intake,
      connector: config.name,
      heartbeatMs: config.presenceHeartbeatMs,
      ttlMs: config.presenceTtlMs,
      clock,
      logger,
      authenticated: () => this.sessions.all().filter((session) => session.state === 'AUTHENTICATED'),
      channelOnly: () => this.compat.registered(),
      localSubscribers: (channel) => subscribers.count(channel),
      hasWebhook: (appName) => topology().app(appName)?.webhook !== undefined,
    });
    const { authTimeoutMs, tokenExpiryNoticeMs } = config;
    this.auth = new AuthFlow({ intake, presence: this.keeper, authTimeoutMs, tokenExpiryNoticeMs, clock, logger, meter });
    this.backlog = new LaneBacklog(config.maxPendingPublishes, this.log);
    const { maxGroupRecipients } = config;
    const users = new UserRates(config.userRateLimit, config.userRateBurst, clock.now());
    const { groupRecipientsPerToken } = config;
    this.interest = new InterestAnnouncer({
      intake,
      domain: config.domain,
      connector: config.name,
      channels: () => subscribers.channels(),
      intervalMs: config.channelInterestMs,
      maxListed: MAX_LISTED_CHANNELS,
      logger: this.log,
    });
    const { maxChannelsPerSocket: maxPerSocket } = config;
    const jwks = jwksOptions(config);
    this.channels = new Subscriptions({ topology, keeper: this.keeper, subscribers, history, maxPerSocket, jwks, clock, logger });
    this.ingress = new Ingress({
      intake,
      auth: this.auth,
      clock,
      logger,
      maxGroupRecipients,
      groupRecipientsPerToken,
      stall: new LoopStall(),
      backlog: this.backlog,
      users,
      channels: this.channels,
      analytics,
      meter,
    });
    this.outbox = new ReportOutbox((reports) => intake.publishReports(config.name, reports), logger.child({ component: 'report-outbox' }));
    const writer = new DeliveryWriter(this.sessions, clock, analytics);
    const { domain, name: connector, partitions } = config;
    this.egress = new Egress({
      lanes,
      intake,
      sessions: this.sessions,
      auth: this.auth,
      writer,
      outbox: this.outbox,
      domain,
      connector,
      partitions,
      ackWaitMs: config.ackWaitMs,
      channels: subscribers,
      logger,
    });
    this.api = new ServerApi({
      domain,
      topology,
      intake,
      backlog: this.backlog,
      presence,
      clock,
      logger: logger.child({ component: 'server-api' }),
      limits: apiLimits(config),
      serving,
      analytics: this.analytics,
    });
    const compat = { config, topology, intake, backlog: this.backlog, presence, keeper: this.keeper, subscribers, clock, logger, serving };
    this.compat = new CompatEndpoints(compat);
    this.server = this.createServer();
    this.heartbeat = new Heartbeat(config.pingIntervalMs, config.maxMissedPongs, () => this.sockets());
  }

  /** Start serving; rejects (having released what it took) when presence, the lanes or the port are unavailable. */
  async start(): Promise<void> {
    if (this.status !== 'created')
      throw new LinkerError<ConnectorErrorCode>('CONNECTOR_STATE', `a connector starts once (it is ${this.status})`);
    this.status = 'starting';
    try {
      await this.keeper.start();
      await this.egress.start();
      await this.server.listen();
      await this.compat.start();
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.heartbeat.start();
    this.interest.start();
    this.analytics?.start();
    this.status = 'running';
    const { wsHost, allowedOrigins } = this.config;
    this.log.info('connector listening', { host: wsHost, port: this.port, path: WS_PATH, scheme: this.server.scheme });
    if (!allowedOrigins?.length) this.log.warn('LINKER_ALLOWED_ORIGINS is empty: a browser page of any origin may connect');
  }

  /** The bound WebSocket port (useful with `wsPort: 0`); 0 before `start`. */
  get port(): number {
    return this.server.port;
  }

  /** `wss` when the client port serves TLS, else `ws`. */
  get scheme(): 'ws' | 'wss' {
    return this.server.scheme;
  }

  /** The bound realtimer-compatible port; 0 when off or before `start`. */
  get realtimerPort(): number {
    return this.compat.realtimerPort;
  }

  health(): ConnectorHealth {
    return {
      status: this.status,
      domain: this.config.domain,
      connector: this.config.name,
      sockets: this.sessions.size,
      authenticated: this.sessions.countAuthenticated(),
      presenceLease: this.keeper.leaseAlive(),
      pendingPublishes: this.backlog.size,
      api: this.api.counts(),
      ...(this.analytics ? { analytics: this.analytics.counts() } : {}),
    };
  }

  /** Ready: serving with its presence lease alive, and both lanes and presence answer a probe. */
  ready(): Promise<Readiness> {
    return readiness(isServing(this.health()), this.checks());
  }

  /**
   * A new topology version (the composition calls this from its topology source's `onChange`): close the connections
   * of users who no longer belong to this domain (`evictionOf`: home moved away → 4006 with where to reconnect; app
   * removed or number outside every range → 4008). Every other connection stays open; changed auth settings apply to
   * the next login. Returns how many were closed.
   */
  topologyChanged(view: TopologyView, version?: string): number {
    let closed = 0;
    for (const session of this.sessions.all()) {
      if (session.state !== 'AUTHENTICATED' || session.userId === undefined) continue;
      const eviction = evictionOf(view, session.userId, this.config.domain);
      if (eviction === undefined) continue;
      session.close(eviction.close, eviction.reason);
      closed += 1;
    }
    this.log.info('topology version applied', { version, closed });
    return closed;
  }

  /** Graceful drain (see the class comment). Idempotent; resolves when everything is released. */
  stop(): Promise<void> {
    this.stopping ??= this.drain();
    return this.stopping;
  }

  private async drain(): Promise<void> {
    this.status = 'draining';
    this.server.stopAccepting();
    this.heartbeat.stop();
    const open = this.sessions.all();
    for (const session of open) session.close('GOING_AWAY');
    await this.compat.stop();
    await this.keeper.settled();
    await this.server.close(this.config.closeTimeoutMs + 1_000);
    await this.egress.stop();
    await this.outbox.drain();
    await this.analytics?.stop();
    this.interest.stop();
    await this.keeper.stop();
    this.status = 'stopped';
    this.log.info('connector drained', { sockets: open.length });
  }

  private createServer(): WsServer {
    const { config } = this;
    return new WsServer({
      host: config.wsHost,
      port: config.wsPort,
      maxFrameBytes: config.maxFrameBytes,
      closeTimeoutMs: config.closeTimeoutMs,
      maxConnections: config.maxConnections,
      maxHandshakes: config.maxHandshakes,
      handshakeTimeoutMs: config.handshakeTimeoutMs,
      allowedOrigins: config.allowedOrigins ?? [],
      sendLimits: { maxFrames: config.sendQueueFrames, maxBytes: config.sendQueueBytes },
      logger: this.log,
      tls: tlsFilesOf(config),
      health: () => {
        const health = this.health();
        return { serving: isServing(health), body: health };
      },
      ops: { metrics: this.metrics, ready: () => this.ready() },
      api: { prefix: API_PREFIX, handle: (request, response) => this.api.handle(request, response) },
      push: this.compat.push,
      paths: this.analytics?.seed,
      // Push subscribers never authenticate: they count against the same per-address cap.
      admits: (remoteAddress) =>
        this.sessions.unauthenticatedFrom(remoteAddress) + this.compat.from(remoteAddress) < config.maxUnauthenticatedPerAddress,
      onConnection: (socket, remoteAddress) => this.connected(socket, remoteAddress),
    });
  }

  private connected(socket: ClientSocket, remoteAddress: string): void {
    const session = this.sessions.open(socket, remoteAddress, this.clock.now(), this.ended);
    this.auth.watch(session);
    socket.listen({
      message: (data, isBinary) => this.ingress.frame(session, data, isBinary),
      closed: (code) => {
        if (session.state !== 'CLOSED') this.meter.closed('client', code);
        session.end();
      },
    });
  }

  private readonly ended = (session: Session, previous: SessionState): void => {
    if (previous !== 'AUTHENTICATED') return;
    this.channels.ended(session);
    void this.keeper.unregister(session);
  };

  private *socketFigures(): Iterable<{ app: string; user: string | undefined; queuedBytes: number }> {
    for (const session of this.sessions.values()) {
      const user = session.state === 'AUTHENTICATED' ? session.userId : undefined;
      yield { app: session.app, user, queuedBytes: session.socket.pendingBytes };
    }
  }

  private *sockets(): Iterable<ClientSocket> {
    for (const session of this.sessions.values()) yield session.socket;
  }
}

function apiLimits(config: ConnectorSettings): ServerApiLimits {
  return {
    maxBodyBytes: config.apiMaxBodyBytes,
    maxFrameBytes: config.maxFrameBytes,
    maxGroupRecipients: config.maxGroupRecipients,
    groupRecipientsPerToken: config.groupRecipientsPerToken,
    rateLimit: config.apiRateLimit,
    rateBurst: config.apiRateBurst,
  };
}

/** Most channel names one interest announcement lists (about 100 KB); a connector with more announces interest in all. */
const MAX_LISTED_CHANNELS = 2_000;

function sessionLimits(config: ConnectorSettings): SessionLimits {
  return {
    rate: rateLimits(config.rateLimit, config.rateBurst, config.rateAbuseFactor, config.rateAbuseWindowMs),
    maxUnacked: config.maxUnacked,
    maxInvalidFrames: config.maxInvalidFrames,
    dedupWindowMs: config.dedupWindowMs,
    dedupMaxIds: config.dedupMaxIds,
    lifetimeMs: config.maxConnectionLifetimeMs,
    lifetimeDitherMs: config.lifetimeDitherMs,
  };
}
