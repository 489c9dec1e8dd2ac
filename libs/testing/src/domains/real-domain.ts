import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type AppProcess } from '../processes';
import { testServices, type TestServices } from '../services';
import { uniqueName } from '../unique-name';
import type { DomainOptions, DomainUnderTest } from './domain-under-test';
import {
  connectorReady,
  dropDatabase,
  failedStart,
  freePort,
  launchMetaServer,
  processorReady,
  servicesEnv,
  startMetaServer,
  stopWithin,
  STOP_TIMEOUT_MS,
} from './real-processes';

/** How many of each app a real-mode domain runs, and settings added to (or overriding) every process's environment. */
export interface RealDomainExtra {
  /** Processors to start (default 2). */
  processors?: number;
  /** Connectors to start (default 2). */
  connectors?: number;
  /** More environment for the connectors (e.g. `LINKER_PRESENCE_TTL_MS`). */
  connectorEnv?: Record<string, string>;
  /** More environment for the processors. */
  processorEnv?: Record<string, string>;
  /** The meta-server's admin token (topology writes are refused without one); default: the options' one. */
  adminToken?: string;
  /** The services the domain runs on (default `testServices()`, the shared ones); e.g. `PrivateServices.services`. */
  services?: TestServices;
}

/** A real-mode domain: the meta-server, processors and connectors as separate processes on the real services. */
export interface RealDomain extends DomainUnderTest {
  readonly mode: 'real';
  /** The meta-server running now (`restartMetaServer` replaces it). */
  readonly metaServer: AppProcess;
  /** Every processor started so far, in start order (killed ones stay in the list). */
  readonly processors: AppProcess[];
  /** The connectors; `restartConnector(i)` replaces entry `i`. */
  readonly connectors: AppProcess[];
  /** `ws://127.0.0.1:<port>/ws` of each connector (entry `i` changes when connector `i` restarts on a new port). */
  readonly connectorUrls: string[];
  /** The MongoDB database of the mailbox (unique per domain; dropped by `close()`). */
  readonly database: string;
  /** `LINKER_CONNECTOR_NAME` of connector `i`. */
  connectorName(i: number): string;
  /**
   * Start connector `i` again with the same name (its lane topic and presence lease are keyed by the name), after
   * stopping it with SIGTERM if it still runs; resolves when it serves WebSocket clients. Its port may change.
   */
  restartConnector(i: number): Promise<AppProcess>;
  /** Start one more processor (a new name) and wait until it is ready. */
  startProcessor(): Promise<AppProcess>;
  /**
   * Start the meta-server again, on the same port and topology file (its history kept), after it was stopped or
   * killed (it is stopped with SIGTERM first if it still runs); resolves when it is ready.
   */
  restartMetaServer(): Promise<AppProcess>;
}

/**
 * Run `options.domain` of `options.topology` in real mode: the topology goes to a temporary YAML file, the meta-server
 * serves it on a free port, then `extra.processors` processors (default 2) and `extra.connectors` connectors
 * (default 2, each on a free port) start from `dist/` (run `npm run build` first) on `extra.services` (default
 * `testServices()`).
 * Resolves once every process said it is ready and every connector accepts WebSocket connections. Use a unique
 * domain name per test file (`uniqueName`): Kafka topics, consumer groups, Redis keys and the database derive from it.
 */
export async function startRealDomain(options: DomainOptions, extra: RealDomainExtra = {}): Promise<RealDomain> {
  if (!options.topology.domains.some((domain) => domain.name === options.domain)) {
    throw new Error(`the topology has no domain ${JSON.stringify(options.domain)}`);
  }
  const services = extra.services ?? testServices();
  const directory = await mkdtemp(join(tmpdir(), 'linker-real-'));
  const database = uniqueName('linker-test');
  /** Lets the processors and connectors read the topology with its secrets (`GET /internal/topology`). */
  const internalToken = randomBytes(32).toString('base64url');
  const common = { ...servicesEnv(services, options.domain), ...options.env };
  const started: AppProcess[] = [];
  const track = (app: AppProcess): AppProcess => {
    started.push(app);
    return app;
  };

  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map((app) => stopWithin(app, STOP_TIMEOUT_MS)));
  };
  const cleanUp = async (): Promise<void> => {
    await stopAll();
    await dropDatabase(services, database).catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
  };

  try {
    const topologyFile = join(directory, 'topology.yaml');
    const metaPort = await freePort();
    const adminToken = extra.adminToken ?? options.adminToken;
    const started0 = await startMetaServer(options.topology, topologyFile, internalToken, adminToken, metaPort);
    let metaServer = track(started0.metaServer);
    const { metaServerUrl } = started0;

    let processorCount = 0;
    const launchProcessor = (): AppProcess =>
      track(
        startApp('processor', {
          ...common,
          LINKER_PROCESSOR_NAME: `processor-${String(++processorCount).padStart(2, '0')}`,
          LINKER_META_SERVER_URL: metaServerUrl,
          LINKER_INTERNAL_TOKEN: internalToken,
          LINKER_TOPOLOGY_CACHE_FILE: join(directory, `processor-${processorCount}.topology.json`),
          LINKER_MONGODB_URL: services.mongodbUrl,
          LINKER_MONGODB_DATABASE: database,
          ...extra.processorEnv,
        }),
      );
    const connectorName = (i: number): string => `connector-${String(i + 1).padStart(2, '0')}`;
    const launchConnector = (i: number): AppProcess =>
      track(
        startApp('connector', {
          ...common,
          LINKER_CONNECTOR_NAME: connectorName(i),
          LINKER_WS_PORT: '0',
          LINKER_META_SERVER_URL: metaServerUrl,
          LINKER_INTERNAL_TOKEN: internalToken,
          LINKER_TOPOLOGY_CACHE_FILE: join(directory, `${connectorName(i)}.topology.json`),
          ...extra.connectorEnv,
        }),
      );
    const processors = Array.from({ length: extra.processors ?? 2 }, launchProcessor);
    const connectors = Array.from({ length: extra.connectors ?? 2 }, (_, i) => launchConnector(i));
    await Promise.all(processors.map(processorReady));
    const connectorUrls = await Promise.all(connectors.map(connectorReady));

    let closed: Promise<void> | undefined;
    return {
      mode: 'real',
      domain: options.domain,
      metaServerUrl,
      get metaServer() {
        return metaServer;
      },
      processors,
      connectors,
      connectorUrls,
      database,
      connectorName,
      async restartConnector(i) {
        if (i < 0 || i >= connectors.length) throw new Error(`there is no connector ${i}`);
        await stopWithin(connectors[i], STOP_TIMEOUT_MS);
        const connector = launchConnector(i);
        connectors[i] = connector;
        connectorUrls[i] = await connectorReady(connector);
        return connector;
      },
      async restartMetaServer() {
        await stopWithin(metaServer, STOP_TIMEOUT_MS);
        metaServer = track((await launchMetaServer(topologyFile, internalToken, adminToken, metaPort)).metaServer);
        return metaServer;
      },
      async startProcessor() {
        const processor = launchProcessor();
        processors.push(processor);
        await processorReady(processor);
        return processor;
      },
      close() {
        closed ??= cleanUp();
        return closed;
      },
    };
  } catch (error) {
    return failedStart(`the real-mode domain ${options.domain}`, started, cleanUp, error);
  }
}
