import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { stringify } from 'yaml';
import { NodeWebSocket } from '@linker/client-sdk/node';
import type { Topology } from '@linker/topology';
import { startApp, type AppProcess } from '../processes';
import { frameReceived, mongoCommand, tcpExchange } from '../private-services/wire';
import type { TestServices } from '../services';
import { waitFor } from '../wait-for';

// The pieces the real-mode harnesses share (one domain: real-domain.ts; a federation: real-federation.ts): starting
// the apps from dist/ on the services of `testServices()`, waiting until they are ready, stopping them, dropping a
// mailbox database.

export const READY_TIMEOUT_MS = 60_000;
export const STOP_TIMEOUT_MS = 20_000;

/** The environment every real-mode app of `domain` shares: the services, and 4 partitions per topic. */
export function servicesEnv(services: TestServices, domain: string): Record<string, string> {
  return {
    LINKER_DOMAIN: domain,
    LINKER_KAFKA_BROKERS: services.kafkaBrokers.join(','),
    LINKER_NATS_URL: services.natsUrl,
    LINKER_REDIS_URL: services.redisUrl,
    LINKER_PARTITIONS: '4',
  };
}

/**
 * Write `topology` to `file` and start a meta-server serving it on `port` (0: a free one) (its internal read, with secrets,
 * behind `internalToken`; edits behind `adminToken`, if given). Resolves with the process and its url once it is ready.
 */
export async function startMetaServer(
  topology: Topology,
  file: string,
  internalToken: string,
  adminToken?: string,
  port = 0,
): Promise<{ metaServer: AppProcess; metaServerUrl: string }> {
  await writeFile(file, stringify(topology));
  return launchMetaServer(file, internalToken, adminToken, port);
}

/**
 * Run the meta-server on `file` as it is (a restart: the topology and its history next to it are kept), on `port`
 * (0: a free one), and wait until it is ready.
 */
export async function launchMetaServer(
  file: string,
  internalToken: string,
  adminToken?: string,
  port = 0,
): Promise<{ metaServer: AppProcess; metaServerUrl: string }> {
  const metaServer = startApp('meta-server', {
    LINKER_META_PORT: String(port),
    LINKER_TOPOLOGY_FILE: file,
    LINKER_LOG_LEVEL: 'info',
    LINKER_INTERNAL_TOKEN: internalToken,
    ...(adminToken === undefined ? {} : { LINKER_ADMIN_TOKEN: adminToken }),
  });
  try {
    await untilReady(metaServer, 'meta-server', /"msg":"meta-server ready"/);
  } catch (error) {
    await stopWithin(metaServer, STOP_TIMEOUT_MS);
    throw error;
  }
  const metaServerUrl = logField(metaServer.output(), 'meta-server ready', 'url');
  if (typeof metaServerUrl !== 'string') {
    await stopWithin(metaServer, STOP_TIMEOUT_MS);
    throw new Error(`the meta-server did not log its url: ${metaServer.output().slice(-1000)}`);
  }
  return { metaServer, metaServerUrl };
}

/** Wait for a processor's "processor ready". */
export function processorReady(processor: AppProcess): Promise<void> {
  return untilReady(processor, 'processor', /"msg":"processor ready"/);
}

/** Wait for a connector's "connector ready", then for /health and a WebSocket upgrade; its `ws://127.0.0.1:<port>/ws`. */
export async function connectorReady(connector: AppProcess): Promise<string> {
  await untilReady(connector, 'connector', /"msg":"connector ready"/);
  const port = logField(connector.output(), 'connector ready', 'port');
  if (typeof port !== 'number') throw new Error(`the connector did not log its port: ${connector.output().slice(-1000)}`);
  await waitFor(`the connector on port ${port} to serve`, () => serves(port), { timeoutMs: READY_TIMEOUT_MS, intervalMs: 100 });
  return `ws://127.0.0.1:${port}/ws`;
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
export function logField(output: string, msg: string, field: string): unknown {
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

/** A TCP port free on 127.0.0.1 right now (bound to port 0, read, closed): for endpoints a topology must name. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
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
export async function stopWithin(app: AppProcess, timeoutMs: number): Promise<void> {
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
export async function dropDatabase(services: TestServices, database: string): Promise<void> {
  const url = new URL(services.mongodbUrl);
  await tcpExchange({
    host: url.hostname,
    port: Number(url.port || 27017),
    request: mongoCommand([
      ['dropDatabase', 1],
      ['$db', database],
    ]),
    complete: (reply) => frameReceived(reply, true),
    timeoutMs: 10_000,
  });
}

/** A start that failed: clean up what it started, then reject naming `what`, with the last output of each process. */
export async function failedStart(
  what: string,
  started: readonly AppProcess[],
  cleanUp: () => Promise<void>,
  error: unknown,
): Promise<never> {
  const outputs = started.map((app) => app.output().slice(-1500)).join('\n---\n');
  await cleanUp();
  throw new Error(`${what} did not start: ${String(error)}\n${outputs}`);
}
