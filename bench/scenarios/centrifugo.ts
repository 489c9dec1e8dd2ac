import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { centrifugoClient } from '../src/centrifugo-client';
import { freePort, sleep, startProcess, waitForPort, type ServerProcess } from '../src/processes';
import type { Deployment, StartDeployment, StartRequest } from '../src/scenario';
import { CENTRIFUGO_VERSION, centrifugoBinary, installCommand } from './centrifugo-build';
import { APP, exitedCheck, freshUserBase, servicesEnv, START_TIMEOUT_MS, tempDir } from './deployments';
import { checkServices, servicePids } from './real';

export type CentrifugoEngine = { type: 'memory' } | { type: 'redis'; address: string; prefix: string };

/** Centrifugo's own graceful-shutdown deadline, set in its config (its default is 30 s; the apps' is 10 s). */
const SHUTDOWN_TIMEOUT_S = 10;
const READY_TIMEOUT_MS = 30_000;

/**
 * The configuration the bench runs Centrifugo with: one node on 127.0.0.1:`port`, clients without tokens
 * (`client.insecure`: every connection is accepted as anonymous and may subscribe and publish anywhere; for the
 * benchmark only), channels with Centrifugo's defaults (no history, recovery or presence), the server HTTP API off,
 * anonymous usage statistics off (nothing leaves the machine), warnings only in the log.
 */
export function centrifugoConfig(port: number, engine: CentrifugoEngine): Record<string, unknown> {
  return {
    http_server: { address: '127.0.0.1', port },
    log: { level: 'warn' },
    engine: engine.type === 'memory' ? { type: 'memory' } : { type: 'redis', redis: { address: [engine.address], prefix: engine.prefix } },
    client: { insecure: true },
    http_api: { disabled: true },
    usage_stats: { disabled: true },
    shutdown: { timeout: `${SHUTDOWN_TIMEOUT_S}s` },
  };
}

/** Until one client can connect and subscribe (the port may answer before the node is ready). */
async function awaitSubscription(deployment: Deployment, server: ServerProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    exitedCheck(server);
    try {
      const connection = await deployment.client!.open(deployment.endpoint, {
        userId: `${deployment.appName}-1`,
        handlers: { onMessage: () => undefined },
      });
      await connection.close();
      return;
    } catch (error) {
      last = (error as Error).message;
      await sleep(300);
    }
  }
  throw new Error(
    `no client could connect and subscribe to Centrifugo at ${deployment.endpoint.url} within ${READY_TIMEOUT_MS / 1000} s (last: ${last})`,
  );
}

/** The engine to run on: memory, or the project's Redis (LINKER_REDIS_URL of services.env) under a fresh key prefix. */
async function engineFor(type: CentrifugoEngine['type']): Promise<CentrifugoEngine> {
  if (type === 'memory') return { type };
  const { LINKER_REDIS_URL: address } = servicesEnv();
  if (!address) throw new Error('centrifugo-redis needs LINKER_REDIS_URL in services.env');
  await checkServices({ LINKER_REDIS_URL: address });
  return { type, address, prefix: `linker-bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}` };
}

function deploymentNotes(engine: CentrifugoEngine, binary: string): string[] {
  const where =
    engine.type === 'memory'
      ? 'memory engine (one node)'
      : `Redis engine on the project's Redis (${engine.address}), key prefix \`${engine.prefix}\` (never flushed: with no history or presence, Centrifugo keeps no keys there and only uses its PUB/SUB)`;
  return [
    `Centrifugo ${CENTRIFUGO_VERSION} (\`${installCommand}\`, ${binary}; its \`version\` command says 0.0.0 since \`go install\` stamps none), ${where}.`,
    'Clients connect without tokens through `client.insecure: true`, a setting for this benchmark only (every connection is anonymous and may ' +
      'subscribe and publish to any channel). Each user subscribes to its personal channel (its user id) and a message is a client PUBLISH to the ' +
      "peer's channel: at most once, no history or recovery (Centrifugo's defaults), like linker-ts's FAST lane.",
  ];
}

/** One Centrifugo node on a free port with a generated config in a temp dir; `servers` is that one process. */
export function startCentrifugo(type: CentrifugoEngine['type']): StartDeployment {
  return async (request: StartRequest): Promise<Deployment> => {
    const binary = await centrifugoBinary();
    const engine = await engineFor(type);
    const temp = tempDir();
    const port = await freePort();
    const config = join(temp.dir, 'config.json');
    writeFileSync(config, `${JSON.stringify(centrifugoConfig(port, engine), null, 2)}\n`);
    const server = startProcess(
      'centrifugo',
      binary,
      ['--config', config],
      { PATH: process.env.PATH ?? '' },
      { cwd: temp.dir, drainDeadlineMs: SHUTDOWN_TIMEOUT_S * 1000 },
    );
    const client = centrifugoClient();
    const redis = engine.type === 'redis' ? servicePids().filter((p) => p.name === 'redis') : undefined;
    if (redis?.length === 0)
      request.notes.push(
        "Redis's CPU is not measured: no running redis.pid in the services' run folder (`.services/run`, or `$LINKER_SERVICES_DIR/run`).",
      );
    const deployment: Deployment = {
      mode: 'centrifugo',
      endpoint: { url: `ws://127.0.0.1:${port}/connection/websocket`, appId: 'centrifugo' },
      appName: APP.appName,
      userBase: freshUserBase(),
      servers: [server],
      client,
      services: redis,
      stop: async () => {
        await server.stop();
        temp.remove();
        if (client.errors.count > 0)
          request.notes.push(`${client.errors.count} Centrifugo command replies were errors, the first: ${client.errors.first}.`);
      },
    };
    request.notes.push(...deploymentNotes(engine, binary));
    try {
      await waitForPort('Centrifugo', '127.0.0.1', port, START_TIMEOUT_MS, () => exitedCheck(server));
      await awaitSubscription(deployment, server);
    } catch (error) {
      await deployment.stop();
      throw error;
    }
    return deployment;
  };
}
