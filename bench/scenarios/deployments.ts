import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { freePort, sleep, waitForPort, type ServerProcess } from '../src/processes';
import { rawClient } from '../src/raw-client';
import type { BenchEndpoint } from '../src/client';
import type { Deployment, StartRequest } from '../src/scenario';

export const REPO = join(__dirname, '..', '..');
export const DOMAIN = 'bench-01';
export const APP = { appName: 'BENCH', appId: 'bench-app' };
export const START_TIMEOUT_MS = 60_000;

/** The app's channels in every bench topology: any name, read by anyone of the app, published by its users too. */
export const BENCH_CHANNELS = ['    channels:', "      - { pattern: '*', subscribe: public, publish: clients }"];

/** The topology the benchmark runs on: one domain, one app whose users need no credentials (authEnabled: false). */
export function benchTopology(wsPort: number): string {
  return [
    'domains:',
    `  - name: ${DOMAIN}`,
    `    urls: [ "ws://127.0.0.1:${wsPort}", "ws://127.0.0.1:9089" ]`,
    'domainLinks: []',
    'clientApps:',
    `  - appName: ${APP.appName}`,
    `    appId: ${APP.appId}`,
    '    authEnabled: false',
    ...BENCH_CHANNELS,
    '',
  ].join('\n');
}

/** A fresh user-number base per deployment, so a rerun never meets an earlier run's mailbox or presence. */
export const freshUserBase = (): number => 1_000_000 + Math.floor(Math.random() * 1_000) * 100_000;

const READY_TIMEOUT_MS = 120_000;

/**
 * Wait until a user can authenticate: in real mode the reply goes through Kafka and the processor, so the first
 * AUTH_CLIENT waits for the consumer groups to form. Opening hundreds of sockets before that would time them out.
 * `at`: another endpoint and a user at home there (a domain of a federation refuses users of other domains).
 */
export async function awaitAuthentication(
  deployment: Deployment,
  alive: () => void,
  at?: { endpoint: BenchEndpoint; userId: string },
): Promise<void> {
  const { endpoint, userId } = at ?? { endpoint: deployment.endpoint, userId: `${deployment.appName}-1` };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    alive();
    try {
      const connection = await rawClient.open(endpoint, { userId, handlers: { onMessage: () => undefined } });
      await connection.close();
      return;
    } catch (error) {
      last = (error as Error).message;
      await sleep(500);
    }
  }
  throw new Error(`${userId} could not authenticate at ${endpoint.url} within ${READY_TIMEOUT_MS / 1000} s (last: ${last})`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The built entry of an app; fails clearly when missing; warns (via `notes`) when older than its sources. */
export function builtEntry(app: string, { notes, distDir }: StartRequest): string {
  const dist = resolve(REPO, distDir);
  const entry = join(dist, 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const root = dirname(dist); // the checkout the build was made from, when it sits beside it
  if (!existsSync(join(root, 'apps', app, 'src'))) return entry;
  const sources = Math.max(newestMtime(join(root, 'apps', app, 'src')), newestMtime(join(root, 'libs')));
  if (sources > statSync(entry).mtimeMs)
    notes.push(`${distDir}/apps/${app} is older than its sources: the measured build may be stale (\`npm run build\`).`);
  return entry;
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'linker-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function stopAll(servers: ServerProcess[], cleanup: () => void): Promise<void> {
  await Promise.all(servers.map((server) => server.stop()));
  cleanup();
}

/** One embedded process (`npm start`'s built entry) with no UI, on free ports, with a temp data dir. */
export function startEmbedded(request: StartRequest): Promise<Deployment> {
  return startEmbeddedOn(request, benchTopology);
}

/** `startEmbedded` on the topology `topologyOf` writes for the client port. */
export async function startEmbeddedOn(request: StartRequest, topologyOf: (wsPort: number) => string): Promise<Deployment> {
  const entry = builtEntry('embedded', request);
  const temp = tempDir();
  const [wsPort, metaPort] = [await freePort(), await freePort()];
  const topology = join(temp.dir, 'topology.yaml');
  writeFileSync(topology, topologyOf(wsPort));
  const args = [
    entry,
    '--topology',
    topology,
    '--domain',
    DOMAIN,
    '--ws-port',
    String(wsPort),
    '--meta-port',
    String(metaPort),
    '--no-ui',
    '--data-dir',
    join(temp.dir, 'data'),
    '--log-level',
    'warn',
  ];
  const server = request.startNode('embedded', args, { PATH: process.env.PATH ?? '' });
  const deployment: Deployment = {
    mode: 'embedded',
    endpoint: { url: `ws://127.0.0.1:${wsPort}/ws`, appId: APP.appId },
    appName: APP.appName,
    userBase: freshUserBase(),
    servers: [server],
    stop: () => stopAll([server], temp.remove),
  };
  try {
    await waitForPort('the embedded client WebSocket', '127.0.0.1', wsPort, START_TIMEOUT_MS, () => exitedCheck(server));
    await awaitAuthentication(deployment, () => exitedCheck(server));
  } catch (error) {
    await deployment.stop();
    throw error;
  }
  return deployment;
}

export function exitedCheck(server: ServerProcess): void {
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    throw new Error(`${server.name} exited (${server.child.exitCode ?? server.child.signalCode}); its output:\n${server.tail()}`);
  }
}

/** The addresses in `.services/services.env` (written by `npm run services:up`); fails clearly when absent. */
export function servicesEnv(): Record<string, string> {
  const file = join(process.env.LINKER_SERVICES_DIR ?? join(REPO, '.services'), 'services.env');
  if (!existsSync(file)) throw new Error(`real mode needs the services: ${file} is missing (run \`npm run services:up\`)`);
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1]!, match[2]!] as const);
  return Object.fromEntries(entries);
}
