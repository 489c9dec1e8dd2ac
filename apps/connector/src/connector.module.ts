import { Module, type DynamicModule } from '@nestjs/common';
import { closeOnShutdown, runningService } from '@linker/lifecycle';
import { createLogger, type Logger } from '@linker/observability';
import { openTopologySource, type TopologySource } from '@linker/topology';
import type { ConnectorConfig } from './config/connector.config';
import { openConnectorInfrastructure, type ConnectorInfrastructure } from './infrastructure/connector-infrastructure';
import { openConnector } from './open-connector';
import { CONNECTOR, CONNECTOR_CONFIG, INFRASTRUCTURE, LOGGER, TOPOLOGY } from './tokens';

/**
 * Composition root of the connector in real mode: the real services and the topology's source, opened from the
 * configuration, then `openConnector` on them, as the embedded mode does on its twins. Nest composes; it does not run
 * the hot path. The connector starts once the whole application is up and drains before the services' connections
 * close (`runningService`).
 */
@Module({})
export class ConnectorModule {
  static register(config: ConnectorConfig): DynamicModule {
    return {
      module: ConnectorModule,
      providers: [
        { provide: CONNECTOR_CONFIG, useValue: config },
        {
          provide: LOGGER,
          useValue: createLogger('connector', config.logLevel, undefined, config.logFormat).child({
            domain: config.domain,
            connector: config.name,
          }),
        },
        {
          provide: INFRASTRUCTURE,
          inject: [LOGGER],
          useFactory: async (logger: Logger) => closeOnShutdown(await openConnectorInfrastructure(config, logger)),
        },
        { provide: TOPOLOGY, inject: [LOGGER], useFactory: (logger: Logger) => openTopology(config, logger) },
        {
          provide: CONNECTOR,
          inject: [INFRASTRUCTURE, TOPOLOGY, LOGGER],
          useFactory: ({ lanes, presence, history, analytics }: ConnectorInfrastructure, topology: TopologySource | null, logger: Logger) =>
            openConnector(config, { lanes, presence, history, analytics, logger, topology: topology ?? undefined }),
        },
        runningService(CONNECTOR),
      ],
    };
  }
}

/**
 * The topology, followed from the meta-server when `LINKER_META_SERVER_URL` is set (with `LINKER_INTERNAL_TOKEN`, its
 * secrets too: subscription tokens are verified with the apps' keys, and the server API's keys are known); null otherwise
 * (no channel and no server API exist then).
 */
async function openTopology(config: ConnectorConfig, logger: Logger): Promise<TopologySource | null> {
  const { metaServerUrl, topologyCacheFile, domain, name, startupTimeoutMs, internalToken: token } = config;
  const source = await openTopologySource({ metaServerUrl, topologyCacheFile, domain, name, token, startupTimeoutMs, logger });
  return source === undefined ? null : closeOnShutdown(source);
}
