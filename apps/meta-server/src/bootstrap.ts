import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { createLogger } from '@linker/observability';
import type { MetaServerConfig } from './config/meta-server.config';
import { MetaServerModule } from './meta-server.module';

export interface MetaServerHandle {
  app: INestApplication;
  /** Base URL the API answers on, e.g. `http://127.0.0.1:9000`. */
  url: string;
  close(): Promise<void>;
}

/** Start the meta-server; e2e tests and the embedded mode call this too. */
export async function bootstrapMetaServer(config: MetaServerConfig): Promise<MetaServerHandle> {
  const logger = createLogger('meta-server', config.logLevel);
  const app = await NestFactory.create(MetaServerModule, { logger: false });
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.host}:${address.port}`;
  logger.info('meta-server ready', { url });
  return { app, url, close: () => app.close() };
}
