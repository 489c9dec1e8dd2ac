/**
 * What `npm run start:real` starts (scripts/start-real.ts), as data: the processes, their names (the prefix of each
 * output line) and the environment each gets on top of the services' and the caller's.
 */
import { basename, extname } from 'node:path';
import { isCleartextEndpoint } from '@linker/domain-link';
import type { Topology } from '@linker/topology';
import { metaServerConfig } from '../apps/meta-server/src/config/meta-server.config';

export type RealApp = 'meta-server' | 'connector' | 'processor';

export interface PlannedProcess {
  /** Prefix of its output lines. */
  name: string;
  app: RealApp;
  env: Record<string, string>;
}

export const META_PORT = 9000;
const META_SERVER_URL = `http://127.0.0.1:${META_PORT}`;
/** The web UI, served by the meta-server process (ADR 0011), on the original's port. */
export const UI_PORT = 4400;
/** Each processor serves `GET /metrics` and `GET /health` on its own port from here on: the UI reads their links. */
const FIRST_METRICS_PORT = 9464;

/**
 * The meta-server serving `file`, its versions kept in MongoDB (ADR 0010) in a database of that topology's own
 * (`linker-meta-<file name>`): the newest recorded version is what it serves at start, so a run of another topology
 * file must not find this one's history.
 */
function metaServer(
  file: string,
  mongodbUrl: string,
  processors: readonly PlannedProcess[],
  env: Record<string, string> = {},
): PlannedProcess {
  const name = basename(file, extname(file)).replace(/[^A-Za-z0-9_-]/g, '-');
  const database = `linker-meta-${name}`.slice(0, 63);
  // The web UI on 4400, its graph reading each processor's links from its GET /health.
  const health = processors.map((p) => `http://127.0.0.1:${p.env.LINKER_METRICS_PORT}/health`).join(',');
  return {
    name: 'meta-server',
    app: 'meta-server',
    env: {
      LINKER_META_PORT: String(META_PORT),
      ...env,
      LINKER_META_MONGODB_URL: mongodbUrl,
      LINKER_META_MONGODB_DATABASE: database,
      LINKER_UI_PORT: String(UI_PORT),
      LINKER_UI_PROCESSOR_HEALTH_URLS: health,
    },
  };
}

/** `LINKER_METRICS_PORT` of the `n`th processor of the plan (0-based). */
function metricsPort(n: number): string {
  return String(FIRST_METRICS_PORT + n);
}

/**
 * Without `--topology`: one domain (domain-01, the default topology): the meta-server (its history in MongoDB at
 * `mongodbUrl`), two processors, two connectors.
 */
export function oneDomainPlan(mongodbUrl: string): PlannedProcess[] {
  const shared = { LINKER_DOMAIN: 'domain-01', LINKER_META_SERVER_URL: META_SERVER_URL };
  const processors: PlannedProcess[] = [
    {
      name: 'processor-01',
      app: 'processor',
      env: { ...shared, LINKER_PROCESSOR_NAME: 'processor-01', LINKER_METRICS_PORT: metricsPort(0) },
    },
    {
      name: 'processor-02',
      app: 'processor',
      env: { ...shared, LINKER_PROCESSOR_NAME: 'processor-02', LINKER_METRICS_PORT: metricsPort(1) },
    },
  ];
  return [
    // Both connectors in the operations view (the topology names only the first as the domain's client endpoint).
    metaServer(metaServerConfig.settings.topologyFile.default, mongodbUrl, processors, {
      LINKER_UI_CONNECTOR_URLS: 'http://127.0.0.1:8089,http://127.0.0.1:8090',
    }),
    ...processors,
    { name: 'connector-01', app: 'connector', env: { ...shared, LINKER_CONNECTOR_NAME: 'connector-01', LINKER_WS_PORT: '8089' } },
    { name: 'connector-02', app: 'connector', env: { ...shared, LINKER_CONNECTOR_NAME: 'connector-02', LINKER_WS_PORT: '8090' } },
  ];
}

/**
 * With `--topology FILE`: the meta-server serving `file` (on 9000, its history in MongoDB at `mongodbUrl`), and per
 * domain one connector on the port of its client endpoint (`domains[].urls[0]`) and one processor holding its link
 * endpoint (`urls[1]`) with `linkSecret`.
 * Throws (with every problem) when a domain has no client port, a linked domain has no link port, or the topology has
 * links and no secret is given. Each domain's Kafka topics, Redis keys and database (`linker-<domain>`) derive from
 * its name.
 */
/** A federation on one machine: a domain whose link endpoint is ws:// or tcp:// allows cleartext links (warned at its start-up). */
function cleartext(endpoint: string | undefined): Record<string, string> {
  return endpoint !== undefined && isCleartextEndpoint(endpoint) ? { LINKER_LINKS_ALLOW_CLEARTEXT: 'true' } : {};
}

export function federationPlan(file: string, topology: Topology, linkSecret: string | undefined, mongodbUrl: string): PlannedProcess[] {
  const problems: string[] = [];
  const linked = new Set(topology.domainLinks.flatMap((link) => [link.n1, link.n2]));
  if (linked.size > 0 && (linkSecret === undefined || linkSecret === '')) {
    problems.push('the topology has domain links: set LINKER_LINK_SECRET (the secret the linked domains share)');
  }
  const plan: PlannedProcess[] = [];
  for (const domain of topology.domains) {
    const clientPort = portOf(domain.urls[0]);
    const linkPort = portOf(domain.urls[1]);
    if (clientPort === undefined)
      problems.push(`domain ${domain.name} has no client endpoint with a port (domains[].urls[0]: ${String(domain.urls[0])})`);
    if (linked.has(domain.name) && linkPort === undefined)
      problems.push(`domain ${domain.name} has links but no link endpoint with a port (domains[].urls[1]: ${String(domain.urls[1])})`);
    const shared = { LINKER_DOMAIN: domain.name, LINKER_META_SERVER_URL: META_SERVER_URL };
    const links: Record<string, string> =
      linked.has(domain.name) && linkSecret !== undefined && linkPort !== undefined
        ? { LINKER_LINK_SECRET: linkSecret, LINKER_LINK_LISTEN: 'true', LINKER_LINK_PORT: String(linkPort), ...cleartext(domain.urls[1]) }
        : {};
    plan.push(
      {
        name: `${domain.name}/processor-01`,
        app: 'processor',
        env: { ...shared, LINKER_PROCESSOR_NAME: 'processor-01', LINKER_METRICS_PORT: metricsPort(plan.length / 2), ...links },
      },
      {
        name: `${domain.name}/connector-01`,
        app: 'connector',
        env: { ...shared, LINKER_CONNECTOR_NAME: 'connector-01', LINKER_WS_PORT: String(clientPort ?? '') },
      },
    );
  }
  if (problems.length > 0) throw new Error(`cannot start the federation of ${file}:\n  - ${problems.join('\n  - ')}`);
  const processors = plan.filter((p) => p.app === 'processor');
  return [metaServer(file, mongodbUrl, processors, { LINKER_TOPOLOGY_FILE: file }), ...plan];
}

/** The port of `ws://host:port` or `tcp://host:port` (with or without a path), if it names one. */
function portOf(endpoint: string | undefined): number | undefined {
  const match = endpoint === undefined ? null : /^[a-z]+:\/\/[^/]*:(\d+)(?:\/.*)?$/.exec(endpoint);
  return match ? Number(match[1]) : undefined;
}
