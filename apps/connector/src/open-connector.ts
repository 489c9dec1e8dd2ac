import type { AnalyticsStore } from '@linker/analytics';
import type { Lanes } from '@linker/bus';
import type { Clock } from '@linker/kernel';
import type { Logger, Metrics } from '@linker/observability';
import type { ChannelHistory, Presence } from '@linker/presence';
import { TopologyView, type TopologySource } from '@linker/topology';
import type { ConnectorSettings } from './config/connector.config';
import { Connector } from './connector';

/** What a connector runs on; the caller opens them, and closes them after `stop()`. */
export interface ConnectorAdapters {
  lanes: Lanes;
  presence: Presence;
  /** Channel histories; absent: none is kept or recovered. */
  history?: ChannelHistory;
  logger: Logger;
  /**
   * Followed when given: each new version closes the sockets of users whose home domain is no longer this one, and
   * its channel rules apply to the next SUBSCRIBE and PUBLISH, and the server API checks keys against it. Absent: no
   * channel and no server API exist here (every key gets 401).
   */
  topology?: TopologySource;
  /** Time for rate limits, de-duplication and envelope timestamps; the system clock by default. */
  clock?: Clock;
  /** Where analytics are written; absent: nothing is counted, and the analytics APIs answer 404. */
  analytics?: AnalyticsStore;
  /** The registry its metrics go to (the embedded mode's one registry); absent: one of its own. */
  metrics?: Metrics;
}

/** The topology of a connector that follows none: no domain, no app. */
const NO_TOPOLOGY = new TopologyView({ domains: [], domainLinks: [], clientApps: [] });

/**
 * A connector as every mode runs it (the Nest module on the real services, the embedded mode on the twins), not
 * started: `start` listens for clients, `stop` drains.
 */
export function openConnector(settings: ConnectorSettings, adapters: ConnectorAdapters): Connector {
  const { topology, ...ports } = adapters;
  const current = topology ? () => topology.current() : () => NO_TOPOLOGY;
  const connector = new Connector({ config: settings, ...ports, topology: current });
  topology?.onChange((view, version) => connector.topologyChanged(view, version));
  return connector;
}
