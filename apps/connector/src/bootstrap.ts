import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from '@linker/observability';
import type { ConnectorConfig } from './config/connector.config';
import { ConnectorModule } from './connector.module';
import { LOGGER } from './tokens';

export interface ConnectorHandle {
  app: INestApplicationContext;
  close(): Promise<void>;
}

/** Start a connector; e2e tests and the embedded mode call this too. */
export async function bootstrapConnector(config: ConnectorConfig): Promise<ConnectorHandle> {
  const app = await NestFactory.createApplicationContext(ConnectorModule.register(config), { logger: false, abortOnError: false });
  await app.init();
  app.get<Logger>(LOGGER).info('connector ready');
  return { app, close: () => app.close() };
}
