import { Module, type DynamicModule } from '@nestjs/common';
import { createLogger, type LogLevel, type Logger } from '@linker/observability';
import type { ConnectorConfig } from './config/connector.config';
import { InfrastructureLifecycle } from './infrastructure/infrastructure.lifecycle';
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
        { provide: LOGGER, useValue: createLogger('connector', config.logLevel as LogLevel).child({ domain: config.domain, connector: config.name }) },
        { provide: INFRASTRUCTURE, inject: [LOGGER], useFactory: (logger: Logger) => openConnectorInfrastructure(config, logger) },
        InfrastructureLifecycle,
      ],
    };
  }
}
