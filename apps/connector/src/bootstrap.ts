import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from '@linker/observability';
import type { ConnectorConfig } from './config/connector.config';
import type { Connector } from './connector';
import { ConnectorModule } from './connector.module';
import { CONNECTOR, LOGGER } from './tokens';

export interface ConnectorHandle {
  app: INestApplicationContext;
  connector: Connector;
  /** The bound client WebSocket port (`LINKER_WS_PORT=0` picks a free one). */
  port: number;
  /** Drain the connector, then close the infrastructure. */
  close(): Promise<void>;
}

/** Start a connector on the real services; e2e tests and the real mode call this. Rejects, having closed everything, if it cannot start. */
export async function bootstrapConnector(config: ConnectorConfig): Promise<ConnectorHandle> {
  const app = await NestFactory.createApplicationContext(ConnectorModule.register(config), { logger: false, abortOnError: false });
  try {
    await app.init();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const connector = app.get<Connector>(CONNECTOR);
  app.get<Logger>(LOGGER).info('connector ready', { port: connector.port });
  return { app, connector, port: connector.port, close: () => app.close() };
}
