import { MongoClient } from 'mongodb';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { answers, freePort, waitForPort, type ServerProcess } from '../src/processes';
import type { Watched } from '../src/proc-stats';
import type { Deployment, StartRequest } from '../src/scenario';
import {
  APP,
  awaitAuthentication,
  benchTopology,
  builtEntry,
  DOMAIN,
  exitedCheck,
  freshUserBase,
  REPO,
  servicesEnv,
  START_TIMEOUT_MS,
  stopAll,
  tempDir,
} from './deployments';

/** The services' processes, from the pid files `npm run services:up` leaves in .services/run (sampled, never signalled). */
export function servicePids(): Watched[] {
  const dir = join(process.env.LINKER_SERVICES_DIR ?? join(REPO, '.services'), 'run');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.pid'))
    .map((file) => ({ name: file.replace(/\.pid$/, ''), pid: Number(readFileSync(join(dir, file), 'utf8').trim()) }))
    .filter(({ pid }) => Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`));
}

/**
 * Each real deployment has its own mailbox database (a leftover of an earlier run would slow every query down) and
 * drops it at the end; best effort: a failure only leaves a database named linker-bench-<time> behind.
 */
async function dropDatabase(url: string | undefined, database: string): Promise<void> {
  if (!url) return;
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    await client.db(database).dropDatabase();
  } catch {
    // left behind; harmless
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** `host:port` pairs of every service address in services.env (URLs and comma-separated broker lists). */
export function serviceAddresses(env: Record<string, string>): Array<{ name: string; host: string; port: number }> {
  return Object.entries(env).flatMap(([name, value]) =>
    value.split(',').map((part) => {
      const match = /^(?:[a-z]+:\/\/)?([^/:]+):(\d+)/.exec(part.trim());
      if (!match) throw new Error(`${name}=${value} in services.env is not host:port or a URL with a port`);
      return { name, host: match[1]!, port: Number(match[2]) };
    }),
  );
}

export async function checkServices(env: Record<string, string>): Promise<void> {
  const down: string[] = [];
  for (const address of serviceAddresses(env)) {
    if (!(await answers(address.host, address.port, 2000))) down.push(`${address.name} (${address.host}:${address.port})`);
  }
  if (down.length > 0)
    throw new Error(`real mode needs the services, but these do not answer: ${down.join(', ')} (run \`npm run services:up\`)`);
}

/**
 * Real mode: the meta-server, one processor and one connector as separate processes (built entries) on the real
 * services, on free ports, with the bench topology. The connector comes first in `servers`: it holds the sockets.
 */
export const startReal = (request: StartRequest): Promise<Deployment> => startRealWith(1, request);

/** Real mode with two connectors: the second one's clients are the deployment's `recipients` (users numbered apart). */
export const startRealTwoConnectors = (request: StartRequest): Promise<Deployment> => startRealWith(2, request);

async function startRealWith(connectorCount: 1 | 2, request: StartRequest): Promise<Deployment> {
  const services = servicesEnv();
  await checkServices(services);
  const entries = {
    meta: builtEntry('meta-server', request),
    processor: builtEntry('processor', request),
    connector: builtEntry('connector', request),
  };
  const temp = tempDir();
  const [wsPort, metaPort, secondPort] = [await freePort(), await freePort(), await freePort()];
  const topology = join(temp.dir, 'topology.yaml');
  writeFileSync(topology, benchTopology(wsPort));
  const database = `linker-bench-${Date.now().toString(36)}`;
  const shared = {
    PATH: process.env.PATH ?? '',
    ...services,
    LINKER_DOMAIN: DOMAIN,
    LINKER_LOG_LEVEL: 'warn',
    LINKER_TOPOLOGY_FILE: topology,
    LINKER_MONGODB_DATABASE: database,
  };
  const servers: ServerProcess[] = [];
  const deployment: Deployment = {
    mode: 'real',
    endpoint: { url: `ws://127.0.0.1:${wsPort}/ws`, appId: APP.appId },
    appName: APP.appName,
    userBase: freshUserBase(),
    servers,
    ...(connectorCount === 2
      ? { recipients: { endpoint: { url: `ws://127.0.0.1:${secondPort}/ws`, appId: APP.appId }, userBase: freshUserBase() + 50_000 } }
      : {}),
    services: servicePids(),
    stop: () => stopAll(servers, temp.remove).then(() => dropDatabase(services.LINKER_MONGODB_URL, database)),
  };
  try {
    const meta = request.startNode('meta-server', [entries.meta], { ...shared, LINKER_META_PORT: String(metaPort) });
    servers.push(meta);
    await waitForPort('the meta-server', '127.0.0.1', metaPort, START_TIMEOUT_MS, () => exitedCheck(meta));
    const processor = request.startNode('processor', [entries.processor], {
      ...shared,
      LINKER_PROCESSOR_NAME: 'bench-processor-01',
      LINKER_META_SERVER_URL: `http://127.0.0.1:${metaPort}`,
    });
    servers.push(processor);
    // The connector's drain deadline is LINKER_CLOSE_TIMEOUT_MS (3 s by default) + 10 s (README, Stopping). It follows
    // the meta-server: channel rules are in the topology.
    const ports = connectorCount === 2 ? [wsPort, secondPort] : [wsPort];
    const connectors = ports.map((port, i) =>
      request.startNode(
        i === 0 ? 'connector' : `connector-${i + 1}`,
        [entries.connector],
        {
          ...shared,
          LINKER_CONNECTOR_NAME: `bench-connector-0${i + 1}`,
          LINKER_WS_PORT: String(port),
          LINKER_META_SERVER_URL: `http://127.0.0.1:${metaPort}`,
        },
        { drainDeadlineMs: 13_000 },
      ),
    );
    servers.push(...connectors.reverse());
    servers.reverse(); // connector(s), processor, meta-server: the one holding the sockets first
    for (const port of ports) {
      await waitForPort('the connector client WebSocket', '127.0.0.1', port, START_TIMEOUT_MS, () => servers.forEach(exitedCheck));
    }
    await awaitAuthentication(deployment, () => servers.forEach(exitedCheck));
  } catch (error) {
    await deployment.stop();
    throw error;
  }
  return deployment;
}
