import { Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { closeOnShutdown } from '@linker/lifecycle';
import { createLogger, type Logger } from '@linker/observability';
import type { ConnectorConfig } from './config/connector.config';
import { createConnector, type Connector } from './connector';
import { openConnectorInfrastructure, type ConnectorInfrastructure } from './infrastructure/connector-infrastructure';
import { CONNECTOR, CONNECTOR_CONFIG, CONNECTOR_LIFECYCLE, INFRASTRUCTURE, LOGGER } from './tokens';

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
        {
          provide: CONNECTOR,
          inject: [INFRASTRUCTURE, LOGGER],
          useFactory: (infrastructure: ConnectorInfrastructure, logger: Logger) =>
            createConnector({ config, lanes: infrastructure.lanes, presence: infrastructure.presence, logger }),
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
