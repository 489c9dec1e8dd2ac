import { AnalyticsRecorder, type AnalyticsStore, type RecorderCounts } from '@linker/analytics';
import type { Clock } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { TopologyView } from '@linker/topology';
import type { ConnectorSettings } from '../config/connector.config';
import { SeedAnalytics } from './seed-analytics';

export interface ConnectorAnalyticsDeps {
  config: ConnectorSettings;
  store: AnalyticsStore;
  topology: () => TopologyView;
  clock: Clock;
  logger: Logger;
  serving(): boolean;
}

/**
 * A connector's analytics (docs/protocol.md, Analytics): the recorder its sessions, ingress and egress count into, the
 * store the server API reads, and the seed's `/analytics` path when `LINKER_ANALYTICS_APP` names an app.
 */
export class ConnectorAnalytics {
  readonly recorder: AnalyticsRecorder;
  readonly seed: SeedAnalytics | undefined;
  private readonly log: Logger;

  constructor(readonly deps: ConnectorAnalyticsDeps) {
    const { config, store, topology, clock, serving } = deps;
    this.log = deps.logger.child({ component: 'analytics' });
    this.recorder = new AnalyticsRecorder({ store, logger: this.log, now: () => clock.now() });
    const app = config.analyticsApp;
    const open = config.analyticsOpen;
    this.seed =
      app === undefined
        ? undefined
        : new SeedAnalytics({ app, open, topology, recorder: this.recorder, store, logger: this.log, now: () => clock.now(), serving });
  }

  get store(): AnalyticsStore {
    return this.deps.store;
  }

  /** Say what the seed's path serves, and warn when anyone may use it. */
  start(): void {
    const { analyticsApp: app, analyticsOpen: open } = this.deps.config;
    if (app === undefined) return;
    this.log.info('analytics API on the client port', { path: '/analytics', app });
    if (open)
      this.log.warn(`LINKER_ANALYTICS_OPEN=true: anyone who reaches the client port may post events and read the counts of app ${app}`);
  }

  counts(): RecorderCounts {
    return this.recorder.counts();
  }

  /** Write what was counted. */
  stop(): Promise<void> {
    return this.recorder.stop();
  }
}
