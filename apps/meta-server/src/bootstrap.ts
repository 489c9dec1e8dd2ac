import 'reflect-metadata';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { createLogger } from '@linker/observability';
import type { MetaServerConfig } from './config/meta-server.config';
import { MetaServerModule } from './meta-server.module';
import { loadTopology, type TopologyInput } from './topology/load-topology';
import { TopologyStore } from './topology/topology-store';

export type { TopologyInput } from './topology/load-topology';

export interface MetaServerHandle {
  app: INestApplication;
  /** Base URL the API answers on, e.g. `http://127.0.0.1:9000`. */
  url: string;
  /** The topology being served (`replace()` makes a new version: tests, and the embedded mode). */
  topology: TopologyStore;
  close(): Promise<void>;
}

/**
 * Start the meta-server; e2e tests and the embedded mode call this too. The topology comes from `input` (a YAML file,
 * or a topology the caller already has), by default the file of `config.topologyFile`. An invalid topology refuses
 * to start: the error lists every problem with its path. `GET /internal/topology` exists only with `config.internalToken`.
 */
export async function bootstrapMetaServer(
  config: Omit<MetaServerConfig, 'internalToken'> & { internalToken?: string },
  input: TopologyInput = { file: config.topologyFile },
): Promise<MetaServerHandle> {
  const logger = createLogger('meta-server', config.logLevel);
  const store = new TopologyStore(await loadTopology(input, logger));
  logger.info('topology loaded', { version: store.current().version, ...('file' in input ? { file: resolve(input.file) } : {}) });
  const app = await NestFactory.create(MetaServerModule.register(store, config.internalToken), { logger: false });
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://${config.host}:${address.port}`;
  logger.info('meta-server ready', { url, internalTopology: config.internalToken !== undefined });
  return { app, url, topology: store, close: () => app.close() };
}
