import type { Clock } from '@linker/kernel';
import { tlsFilesOf } from '@linker/lifecycle';
import type { Logger } from '@linker/observability';
import type { Presence } from '@linker/presence';
import type { TopologyView } from '@linker/topology';
import { LaneGate } from '../api/lane-gate';
import type { ChannelSubscriber, ChannelSubscribers } from '../channels/channel-subscribers';
import type { ConnectorSettings } from '../config/connector.config';
import type { IntakePublisher } from '../ingress/intake-publisher';
import type { LaneBacklog } from '../ingress/lane-backlog';
import type { PresenceKeeper } from '../presence/presence-keeper';
import { PushEndpoints } from './push-endpoints';
import { PushPublish } from './push-publish';
import { RealtimerServer } from './realtimer';

export interface CompatDependencies {
  config: ConnectorSettings;
  topology: () => TopologyView;
  intake: IntakePublisher;
  backlog: LaneBacklog;
  presence: Presence;
  keeper: PresenceKeeper;
  subscribers: ChannelSubscribers;
  clock: Clock;
  logger: Logger;
  serving(): boolean;
}

/**
 * The Push-compatible endpoints (`LINKER_PUSH`, on the client port) and the realtimer-compatible port
 * (`LINKER_REALTIMER_PORT`), each only when configured; both publish under the connector's lane backlog.
 */
export class CompatEndpoints {
  readonly push: PushEndpoints | undefined;
  private readonly realtimer: RealtimerServer | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: CompatDependencies) {
    const { config, intake, backlog, logger } = deps;
    this.log = logger.child({ component: 'compat' });
    const gate = new LaneGate(intake, backlog, this.log);
    this.push = config.push === undefined ? undefined : this.openPush(config.pushApp as string, gate);
    if (config.realtimerPort !== undefined) {
      this.realtimer = new RealtimerServer({
        host: config.realtimerHost,
        port: config.realtimerPort,
        appName: config.realtimerApp as string,
        key: config.realtimerKey,
        topology: deps.topology,
        intake,
        gate,
        clock: deps.clock,
        maxFrameBytes: config.maxFrameBytes,
        maxConnections: config.maxHandshakes,
        requestTimeoutMs: config.handshakeTimeoutMs,
        logger: this.log,
        tls: tlsFilesOf(config),
        serving: deps.serving,
      });
    }
  }

  /** Start the heartbeats and listen on the realtimer port; warn about what is open to anyone. */
  async start(): Promise<void> {
    const { config } = this.deps;
    if (this.push !== undefined) {
      this.push.start();
      this.log.info('Push-compatible endpoints on the client port', { app: config.pushApp, publish: config.pushPublish });
      if (config.pushPublish === 'open') {
        this.log.warn('LINKER_PUSH_PUBLISH=open: anyone who reaches the client port may publish to the channels of app ' + config.pushApp);
      }
    }
    if (this.realtimer === undefined) return;
    const port = await this.realtimer.listen();
    this.log.info('realtimer-compatible port listening', { host: config.realtimerHost, port, app: config.realtimerApp });
    if (!isLoopback(config.realtimerHost) && config.realtimerKey === undefined) {
      this.log.warn(
        `LINKER_REALTIMER_HOST=${config.realtimerHost} is not a loopback address and LINKER_REALTIMER_KEY is unset: anyone who reaches it may send for app ${config.realtimerApp}`,
      );
    }
  }

  /** End every Push subscriber and stop listening on the realtimer port (the connector drains). */
  async stop(): Promise<void> {
    this.push?.stop();
    await this.realtimer?.close();
  }

  /** The bound realtimer port (0 when off). */
  get realtimerPort(): number {
    return this.realtimer?.port ?? 0;
  }

  /** Push subscribers from `remoteAddress` now. */
  from(remoteAddress: string): number {
    return this.push?.from(remoteAddress) ?? 0;
  }

  /** The Push subscribers registered in presence. */
  registered(): Iterable<ChannelSubscriber> {
    return this.push?.registered() ?? [];
  }

  private openPush(appName: string, gate: LaneGate): PushEndpoints {
    const { config, topology, intake, presence, clock, keeper, subscribers, serving } = this.deps;
    const publisher = new PushPublish({
      appName,
      publish: config.pushPublish,
      lane: config.pushLane,
      topology,
      intake,
      gate,
      presence,
      clock,
      maxBodyBytes: config.apiMaxBodyBytes,
      maxFrameBytes: config.maxFrameBytes,
      rateLimit: config.apiRateLimit,
      rateBurst: config.apiRateBurst,
    });
    return new PushEndpoints({
      appName,
      domain: config.domain,
      connector: config.name,
      topology,
      keeper,
      subscribers,
      publisher,
      maxChannels: config.maxChannelsPerSocket,
      heartbeatMs: config.pushHeartbeatMs,
      closeGraceMs: config.pushCloseGraceMs,
      lifetimeMinMs: config.pushLifetimeMinMs,
      lifetimeMaxMs: config.pushLifetimeMaxMs,
      maxMissedPongs: config.maxMissedPongs,
      sendLimits: { maxFrames: config.sendQueueFrames, maxBytes: config.sendQueueBytes },
      logger: this.log,
      serving,
    });
  }
}

/** `localhost`, `::1` or an address of 127.0.0.0/8. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
