import 'reflect-metadata';
import type { Server } from 'node:http';
import type { Server as TlsServer } from 'node:tls';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { schemeOf, tlsFilesOf, tlsServerOptions, watchTls, type TlsFiles } from '@linker/lifecycle';
import { createLogger, Metrics, probeChecks, readiness, type Logger } from '@linker/observability';
import { AnalyticsTotals } from './analytics/analytics-totals';
import { metaServerConfig, type MetaServerConfig } from './config/meta-server.config';
import { metaServerMetrics } from './health/meta-server-metrics';
import { MetaServerModule } from './meta-server.module';
import { loadNewestRecorded, loadTopology, type TopologyInput } from './topology/load-topology';
import { MongoTopologyHistory } from './topology/mongo-topology-history';
import { TopologyEditor } from './topology/topology-editor';
import { FileTopologyHistory, MemoryTopologyHistory } from './topology/topology-history';
import { TopologyStore } from './topology/topology-store';
import { healthReports, httpBaseOf, httpProcessor, startUiServer, uiInfo, type OpsSources, type UiServer } from './ui/ui-server';

export interface MetaServerHandle {
  app: INestApplication;
  /** Base URL the API answers on, e.g. `http://127.0.0.1:9000`. */
  url: string;
  /** The topology being served (`replace()` makes a new version: tests, and the embedded mode). */
  topology: TopologyStore;
  /** The domains' analytics reports (the embedded mode's processor reports here directly). */
  analytics: AnalyticsTotals;
  close(): Promise<void>;
}

/**
 * What callers may leave out: the tokens (no internal read, no writes), the watch heartbeat (15 s), the validation
 * budget and the connection limits (their defaults), MongoDB, and the web UI.
 */
type Optional =
  | 'internalToken'
  | 'adminToken'
  | 'watchHeartbeatMs'
  | 'validateMsPerSecond'
  | 'requestTimeoutMs'
  | 'maxConnections'
  | 'mongodbUrl'
  | 'mongodbDatabase'
  | 'uiPort'
  | 'uiProcessorHealthUrls'
  | 'uiConnectorUrls'
  | 'logFormat'
  | 'tlsCertFile'
  | 'tlsKeyFile'
  | 'tlsClientCaFile';
export type MetaServerOptions = Omit<MetaServerConfig, Optional> &
  Partial<Pick<MetaServerConfig, Optional>> & {
    /** The registry its metrics go to (the embedded mode's one registry); absent: one of its own, with the process metrics. */
    metrics?: Metrics;
  };

/**
 * Start the meta-server: its API and, with `config.uiPort`, the web UI in front of it (ADR 0011; the embedded mode
 * serves its own, for its in-process processor). Real mode, e2e tests and the embedded mode call this. The topology comes from `input` (a YAML file,
 * or a topology the caller already has), by default the file of `config.topologyFile`. An invalid topology refuses
 * to start: the error lists every problem with its path. `GET /internal/topology` exists only with `config.internalToken`;
 * writes are accepted only with `config.adminToken`. Versions are kept (ADR 0010): with `config.mongodbUrl`, in
 * MongoDB, and the newest recorded one is served (`input` only until the first is recorded; nothing is written back to
 * a file); else from a file, every saved version is written back to it and kept in `<file>.history/`; else (a topology
 * in memory) in memory only.
 */
export async function openMetaServer(
  config: MetaServerOptions,
  input: TopologyInput = { file: config.topologyFile },
): Promise<MetaServerHandle> {
  const logger = createLogger('meta-server', config.logLevel, undefined, config.logFormat);
  const database = config.mongodbDatabase ?? metaServerConfig.settings.mongodbDatabase.default;
  const mongo = config.mongodbUrl === undefined ? undefined : await MongoTopologyHistory.open({ url: config.mongodbUrl, database });
  try {
    return await serve(config, input, mongo, logger);
  } catch (error) {
    await mongo?.close();
    throw error;
  }
}

async function serve(
  config: MetaServerOptions,
  input: TopologyInput,
  mongo: MongoTopologyHistory | undefined,
  logger: Logger,
): Promise<MetaServerHandle> {
  const file = 'file' in input ? resolve(input.file) : undefined;
  // With MongoDB (real mode) the current version is the newest recorded one, and nothing is written back to the file.
  const recorded = mongo === undefined ? undefined : await loadNewestRecorded(mongo, logger);
  const store = new TopologyStore(recorded ?? (await loadTopology(input, logger)));
  const history = mongo ?? (file === undefined ? new MemoryTopologyHistory() : new FileTopologyHistory(`${file}.history`));
  logger.info('topology loaded', {
    version: store.current().version,
    from: recorded !== undefined ? 'history' : (file ?? 'memory'),
    history: history.constructor.name,
  });
  let serving = false;
  // The topology store: MongoDB when versions are kept there (a file or memory always answers).
  const ready = () => readiness(serving, mongo === undefined ? [] : probeChecks({ topologyHistory: mongo }));
  const { meter, middleware } = metaServerMetrics(config.metrics ?? new Metrics(), ready);
  const editor = new TopologyEditor({ store, history, file: mongo === undefined ? file : undefined, logger, meter });
  const analytics = new AnalyticsTotals();
  const module = MetaServerModule.register({
    store,
    editor,
    analytics,
    internalToken: config.internalToken,
    adminToken: config.adminToken,
    watchHeartbeatMs: config.watchHeartbeatMs ?? 15_000,
    validateMsPerSecond: config.validateMsPerSecond ?? metaServerConfig.settings.validateMsPerSecond.default,
    meter,
  });
  const tls = tlsFilesOf(config);
  // No body parser: the only bodies are topology documents, read (and size-limited) by the controllers themselves.
  const app = await NestFactory.create(module, { logger: false, bodyParser: false, httpsOptions: tls && tlsServerOptions(tls) });
  if (tls) watchTls(app.getHttpServer() as TlsServer, tls, logger);
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  app.use(middleware);
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi()));
  limitConnections(app.getHttpServer() as Server, config);
  await app.listen(config.port, config.host);
  serving = true;
  const address = app.getHttpServer().address() as { port: number };
  const url = `${schemeOf(app.getHttpServer() as Server)}://${config.host}:${address.port}`;
  logger.info('meta-server ready', { url, internalTopology: config.internalToken !== undefined, writes: config.adminToken !== undefined });
  let ui: UiServer | undefined;
  try {
    ui = await serveUi(config, url, store, logger, tls);
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    app,
    url,
    topology: store,
    analytics,
    close: async () => {
      serving = false;
      await ui?.close();
      await app.close();
      await mongo?.close();
    },
  };
}

/** The web UI on `config.uiPort`, when set: `/meta` leads to this meta-server, links come from the processors' `/health`. */
function serveUi(
  config: MetaServerOptions,
  url: string,
  store: TopologyStore,
  logger: Logger,
  tls: TlsFiles | undefined,
): Promise<UiServer | undefined> {
  if (config.uiPort === undefined) return Promise.resolve(undefined);
  return startUiServer({
    tls,
    host: config.host,
    port: config.uiPort,
    metaServerUrl: url,
    links: healthReports(config.uiProcessorHealthUrls ?? [], logger),
    ops: opsSources(config, store),
    info: () => uiInfo(store.current().masked, { metaServer: true }),
    logger,
  });
}

/**
 * The operations view in real mode: the processors of `LINKER_UI_PROCESSOR_HEALTH_URLS` (their ops endpoint, the dead
 * letters asked for with this meta-server's admin token) and the connectors of `LINKER_UI_CONNECTOR_URLS`, else the
 * topology's client endpoints.
 */
function opsSources(config: MetaServerOptions, store: TopologyStore): OpsSources {
  const processors = (config.uiProcessorHealthUrls ?? []).map((url) => httpProcessor(url.replace(/\/health\/?$/, ''), config.adminToken));
  return {
    processors: () => processors,
    connectorUrls: () =>
      config.uiConnectorUrls ?? store.current().masked.domains.flatMap((d) => (d.urls[0] === undefined ? [] : [httpBaseOf(d.urls[0])])),
  };
}

/**
 * A request not whole within `requestTimeoutMs` gets 408 and its connection is closed (Node checks from the moment a
 * connection opens, so one that sends nothing is closed too), and at most `maxConnections` are held: otherwise a
 * connection that sent nothing was kept some 90 s, without bound (in embedded mode, the open files the client port needs).
 */
function limitConnections(http: Server, config: MetaServerOptions): void {
  const deadline = config.requestTimeoutMs ?? metaServerConfig.settings.requestTimeoutMs.default;
  http.headersTimeout = deadline;
  http.requestTimeout = deadline;
  // Node reads this when the server starts listening (the option of createServer, missing from @types/node as a field).
  (http as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1_000, deadline);
  http.maxConnections = config.maxConnections ?? metaServerConfig.settings.maxConnections.default;
}

function openApi() {
  return new DocumentBuilder()
    .setTitle('linker-ts meta-server')
    .setDescription(
      'The topology (docs/protocol.md in the linker-ts repository, Meta-server API): the original read API, GET /topology (ETag = version), and editing: validate (dry run), ' +
        'PUT with If-Match, history, rollback, watch (Server-Sent Events). Writes need Authorization: Bearer <LINKER_ADMIN_TOKEN>. ' +
        'Secrets are write-only: shown as ***, and a *** left in place keeps the stored value.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
}
