import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { NodeWebSocket } from '@linker/client-sdk/node';
import { startApp, type AppProcess } from '../processes';
import { testServices, type TestServices } from '../services';
import { uniqueName } from '../unique-name';
import { waitFor } from '../wait-for';
import type { DomainOptions, DomainUnderTest } from './domain-under-test';

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
}

/** A real-mode domain: the meta-server, processors and connectors as separate processes on the real services. */
export interface RealDomain extends DomainUnderTest {
  readonly mode: 'real';
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
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/**
 * Run `options.domain` of `options.topology` in real mode: the topology goes to a temporary YAML file, the meta-server
 * serves it on a free port, then `extra.processors` processors (default 2) and `extra.connectors` connectors
 * (default 2, each on a free port) start from `dist/` (run `npm run build` first) on the services of `testServices()`.
 * Resolves once every process said it is ready and every connector accepts WebSocket connections. Use a unique
 * domain name per test file (`uniqueName`): Kafka topics, consumer groups, Redis keys and the database derive from it.
 */
export async function startRealDomain(options: DomainOptions, extra: RealDomainExtra = {}): Promise<RealDomain> {
  if (!options.topology.domains.some((domain) => domain.name === options.domain)) {
    throw new Error(`the topology has no domain ${JSON.stringify(options.domain)}`);
  }
  const services = testServices();
  const directory = await mkdtemp(join(tmpdir(), 'linker-real-'));
  const topologyFile = join(directory, 'topology.yaml');
  await writeFile(topologyFile, stringify(options.topology));
  const database = uniqueName('linker-test');
  /** Lets the processors read the topology with its secrets (`GET /internal/topology`). */
  const internalToken = randomBytes(32).toString('base64url');
  const common: Record<string, string> = {
    LINKER_DOMAIN: options.domain,
    LINKER_KAFKA_BROKERS: services.kafkaBrokers.join(','),
    LINKER_NATS_URL: services.natsUrl,
    LINKER_REDIS_URL: services.redisUrl,
    LINKER_PARTITIONS: '4',
  };
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
    const metaServer = track(
      startApp('meta-server', {
        LINKER_META_PORT: '0',
        LINKER_TOPOLOGY_FILE: topologyFile,
        LINKER_LOG_LEVEL: 'info',
        LINKER_INTERNAL_TOKEN: internalToken,
      }),
    );
    await untilReady(metaServer, 'meta-server', /"msg":"meta-server ready"/);
    const metaServerUrl = logField(metaServer.output(), 'meta-server ready', 'url');
    if (typeof metaServerUrl !== 'string') throw new Error(`the meta-server did not log its url: ${metaServer.output().slice(-1000)}`);

    let processorCount = 0;
    const launchProcessor = (): AppProcess =>
      track(
        startApp('processor', {
          ...common,
          LINKER_PROCESSOR_NAME: `processor-${String(++processorCount).padStart(2, '0')}`,
          LINKER_META_SERVER_URL: metaServerUrl,
          LINKER_INTERNAL_TOKEN: internalToken,
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
          ...extra.connectorEnv,
        }),
      );
    /** Wait for "connector ready", then for /health and a WebSocket upgrade. */
    const connectorReady = async (connector: AppProcess): Promise<string> => {
      await untilReady(connector, 'connector', /"msg":"connector ready"/);
      const port = logField(connector.output(), 'connector ready', 'port');
      if (typeof port !== 'number') throw new Error(`the connector did not log its port: ${connector.output().slice(-1000)}`);
      await waitFor(`the connector on port ${port} to serve`, () => serves(port), { timeoutMs: READY_TIMEOUT_MS, intervalMs: 100 });
      return `ws://127.0.0.1:${port}/ws`;
    };

    const processors = Array.from({ length: extra.processors ?? 2 }, launchProcessor);
    const connectors = Array.from({ length: extra.connectors ?? 2 }, (_, i) => launchConnector(i));
    await Promise.all(processors.map((processor) => untilReady(processor, 'processor', /"msg":"processor ready"/)));
    const connectorUrls = await Promise.all(connectors.map(connectorReady));

    let closed: Promise<void> | undefined;
    return {
      mode: 'real',
      domain: options.domain,
      metaServerUrl,
      metaServer,
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
      async startProcessor() {
        const processor = launchProcessor();
        processors.push(processor);
        await untilReady(processor, 'processor', /"msg":"processor ready"/);
        return processor;
      },
      close() {
        closed ??= cleanUp();
        return closed;
      },
    };
  } catch (error) {
    const outputs = started.map((app) => app.output().slice(-1500)).join('\n---\n');
    await cleanUp();
    throw new Error(`the real-mode domain ${options.domain} did not start: ${String(error)}\n${outputs}`);
  }
}

/** Wait until `app` prints `pattern`; fails at once (with its output) if it exits first. */
async function untilReady(app: AppProcess, name: string, pattern: RegExp): Promise<void> {
  const exited = app.exited.then((code) => {
    throw new Error(`the ${name} exited (${code}) before it was ready; its output: ${app.output().slice(-2000)}`);
  });
  exited.catch(() => undefined);
  await Promise.race([app.waitForOutput(pattern, READY_TIMEOUT_MS), exited]);
}

/** The field `field` of the first JSON log line whose `msg` is `msg`. */
function logField(output: string, msg: string, field: string): unknown {
  for (const line of output.split('\n')) {
    if (!line.includes(`"msg":"${msg}"`)) continue;
    try {
      return (JSON.parse(line) as Record<string, unknown>)[field];
    } catch {
      continue;
    }
  }
  return undefined;
}

/** `GET /health` answers 200 (running, presence lease held) and a WebSocket upgrade on `/ws` succeeds. */
async function serves(port: number): Promise<boolean> {
  const health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
  if (health?.status !== 200) return false;
  return new Promise<boolean>((resolve) => {
    const socket = new NodeWebSocket(`ws://127.0.0.1:${port}/ws`);
    const timer = setTimeout(() => finish(false), 2_000);
    function finish(ok: boolean): void {
      clearTimeout(timer);
      socket.onopen = socket.onerror = socket.onclose = null;
      socket.close(1000);
      resolve(ok);
    }
    socket.onopen = () => finish(true);
    socket.onerror = () => finish(false);
    socket.onclose = () => finish(false);
  });
}

/** SIGTERM, then SIGKILL if the process has not exited within `timeoutMs`. */
async function stopWithin(app: AppProcess, timeoutMs: number): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      app.child.kill('SIGKILL');
      resolve();
    }, timeoutMs);
  });
  await Promise.race([app.stop('SIGTERM'), killed]);
  clearTimeout(timer);
  await app.exited;
}

/**
 * Drop the test's mailbox database with one `dropDatabase` command in OP_MSG. The `mongodb` driver may be imported
 * only by the mailbox adapter (`npm run lint:imports`), and the harness needs nothing else of it, so this speaks the
 * wire protocol itself: plain TCP, no authentication (the test services run without it).
 */
async function dropDatabase(services: TestServices, database: string): Promise<void> {
  const url = new URL(services.mongodbUrl);
  const command = bsonDocument([
    ['dropDatabase', 1],
    ['$db', database],
  ]);
  const body = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from([0]), command]); // flagBits, section kind 0
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(1, 4); // requestID
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(2013, 12); // OP_MSG
  await new Promise<void>((resolve, reject) => {
    const socket = connectTcp({ host: url.hostname, port: Number(url.port || 27017) });
    let reply = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('dropDatabase: no reply within 10 s'));
    }, 10_000);
    socket.on('connect', () => socket.write(Buffer.concat([header, body])));
    socket.on('data', (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (reply.length >= 4 && reply.length >= reply.readInt32LE(0)) {
        clearTimeout(timer);
        socket.end();
        resolve();
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A BSON document of int32 and string fields (all `dropDatabase` needs). */
function bsonDocument(fields: Array<[string, number | string]>): Buffer {
  const elements = fields.map(([name, value]) => {
    const key = Buffer.from(`${name}\0`, 'utf8');
    if (typeof value === 'number') {
      const int = Buffer.alloc(4);
      int.writeInt32LE(value, 0);
      return Buffer.concat([Buffer.from([0x10]), key, int]);
    }
    const text = Buffer.from(`${value}\0`, 'utf8');
    const length = Buffer.alloc(4);
    length.writeInt32LE(text.length, 0);
    return Buffer.concat([Buffer.from([0x02]), key, length, text]);
  });
  const content = Buffer.concat([...elements, Buffer.from([0])]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + content.length, 0);
  return Buffer.concat([size, content]);
}
