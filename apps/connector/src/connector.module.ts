import { Module, type DynamicModule } from '@nestjs/common';
import { closeOnShutdown } from '@linker/lifecycle';
import { createLogger, type Logger } from '@linker/observability';
import type { ConnectorConfig } from './config/connector.config';
import { openConnectorInfrastructure } from './infrastructure/connector-infrastructure';
import { CONNECTOR_CONFIG, INFRASTRUCTURE, LOGGER } from './tokens';

/** Composition root of the connector: binds each port to its adapter. Nest composes; it does not run the hot path. */
@Module({})
export class ConnectorModule {
  static register(config: ConnectorConfig): DynamicModule {
    return {
      module: ConnectorModule,
      providers: [
        { provide: CONNECTOR_CONFIG, useValue: config },
        { provide: LOGGER, useValue: createLogger('connector', config.logLevel).child({ domain: config.domain, connector: config.name }) },
        { provide: INFRASTRUCTURE, inject: [LOGGER], useFactory: async (logger: Logger) => closeOnShutdown(await openConnectorInfrastructure(config, logger)) },
      ],
    };
  }
}
