import { Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { closeOnShutdown, untilReachable } from '@linker/lifecycle';
import { createLogger, type Logger } from '@linker/observability';
import { followMetaServer, type TopologySource } from '@linker/topology';
import type { ConnectorConfig } from './config/connector.config';
import { createConnector, type Connector } from './connector';
import { openConnectorInfrastructure, type ConnectorInfrastructure } from './infrastructure/connector-infrastructure';
import { CONNECTOR, CONNECTOR_CONFIG, CONNECTOR_LIFECYCLE, INFRASTRUCTURE, LOGGER, TOPOLOGY } from './tokens';

/**
 * Composition root of the connector: binds each port to its adapter and builds the `Connector`. Nest composes; it
 * does not run the hot path. The connector starts once everything is composed (`onApplicationBootstrap`) and drains
 * before the infrastructure closes (`beforeApplicationShutdown` runs before the `onApplicationShutdown` that closes it).
 */
@Module({})
export class ConnectorModule {
  static register(config: ConnectorConfig): DynamicModule {
    return {
      module: ConnectorModule,
      providers: [
        { provide: CONNECTOR_CONFIG, useValue: config },
        { provide: LOGGER, useValue: createLogger('connector', config.logLevel).child({ domain: config.domain, connector: config.name }) },
        { provide: INFRASTRUCTURE, inject: [LOGGER], useFactory: async (logger: Logger) => closeOnShutdown(await openConnectorInfrastructure(config, logger)) },
        { provide: TOPOLOGY, inject: [LOGGER], useFactory: (logger: Logger) => openTopology(config, logger) },
        {
          provide: CONNECTOR,
          inject: [INFRASTRUCTURE, TOPOLOGY, LOGGER],
          useFactory: (infrastructure: ConnectorInfrastructure, topology: TopologySource | null, logger: Logger) => {
            const connector = createConnector({ config, lanes: infrastructure.lanes, presence: infrastructure.presence, logger });
            topology?.onChange((view, version) => connector.topologyChanged(view, version));
            return connector;
          },
        },
        { provide: CONNECTOR_LIFECYCLE, inject: [CONNECTOR], useFactory: connectorLifecycle },
      ],
    };
  }
}

/** Nest's hooks, mapped onto the connector's explicit start and stop. */
function connectorLifecycle(connector: Connector): OnApplicationBootstrap & BeforeApplicationShutdown {
  return {
    onApplicationBootstrap: () => connector.start(),
    beforeApplicationShutdown: () => connector.stop(),
  };
}

/**
 * The topology, followed from the meta-server when `LINKER_META_SERVER_URL` is set (the public, masked read: the
 * connector needs only who lives where); null otherwise (the connector needs no topology to route).
 */
async function openTopology(config: ConnectorConfig, logger: Logger): Promise<TopologySource | null> {
  const { metaServerUrl, topologyCacheFile, domain, name } = config;
  if (!metaServerUrl) return null;
  const follow = () => followMetaServer({ metaServerUrl, topologyCacheFile, domain, name, authenticates: false, logger });
  return closeOnShutdown(await untilReachable('the meta-server', follow, { logger, timeoutMs: config.startupTimeoutMs }));
}
