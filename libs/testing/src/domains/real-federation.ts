import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Topology } from '@linker/topology';
import { startApp, type AppProcess } from '../processes';
import { testServices } from '../services';
import { uniqueName } from '../unique-name';
import { LinkProxy } from '../link-proxy';
import { waitFor } from '../wait-for';
import {
  connectorReady,
  dropDatabase,
  failedStart,
  freePort,
  processorReady,
  READY_TIMEOUT_MS,
  servicesEnv,
  startMetaServer,
  stopWithin,
  STOP_TIMEOUT_MS,
} from './real-processes';

/** Settings of a real-mode federation beyond its topology. */
export interface RealFederationExtra {
  /** `LINKER_LINK_SECRET` of every domain (default: a random one). */
  secret?: string;
  /** More environment for every processor (e.g. `LINKER_LINK_FAILOVER_MS`). */
  processorEnv?: Record<string, string>;
  /** More environment for every connector. */
  connectorEnv?: Record<string, string>;
  /** Domains (names as in the topology given) whose link endpoint is a `LinkProxy`, for `cutLinksInto` and `partition`. */
  proxied?: string[];
}

export interface RealFederationOptions {
  /**
   * The federation's topology, with the names a test uses (e.g. `topologies/four-domain-ring.yaml`'s domain-01..04).
   * The harness renames every domain to a unique name and gives every link endpoint a free port (see `topology`).
   */
  topology: Topology;
  extra?: RealFederationExtra;
}

/** One domain of a real-mode federation: one processor (holding the link endpoint) and one connector. */
export interface RealFederationDomain {
  /** Its name in the topology the test gave (`domain-01`). */
  readonly name: string;
  /** The name it runs under (`domain-01-<time>-<random>`): its Kafka topics, Redis keys and groups derive from it. */
  readonly domain: string;
  /** Its link endpoint (`ws://127.0.0.1:<port>`), as the served topology says (`domains[].urls[1]`). */
  readonly linkEndpoint: string;
  /** The MongoDB database of its mailbox (dropped by `close()`). */
  readonly database: string;
  /** Its processor (`LINKER_LINK_LISTEN=true`); replaced by `restart`. */
  readonly processor: AppProcess;
  /** Its connector; replaced by `restart`. */
  readonly connector: AppProcess;
  /** `ws://127.0.0.1:<port>/ws` of its connector (may change on `restart`). */
  readonly connectorUrl: string;
  /** Its processor's `GET /health` (JSON: `links` with what each link sent), on a port of its own. */
  readonly processorHealthUrl: string;
}

/** Several real-mode domains linked as a topology says, on the shared real services. */
export interface RealFederation {
  readonly metaServer: AppProcess;
  readonly metaServerUrl: string;
  /** The topology the meta-server serves: unique domain names, free link ports. */
  readonly topology: Topology;
  /** The link secret every domain was given. */
  readonly secret: string;
  /** The meta-server's `LINKER_ADMIN_TOKEN`: topology edits (every connector and processor follows the meta-server). */
  readonly adminToken: string;
  /** The domain named `name` in the given topology. */
  domain(name: string): RealFederationDomain;
  /** The running names of the domain's neighbours (the topology's links). */
  neighbours(name: string): string[];
  /** What the domain's processor last reported of its link to `peer` (both names as in the topology given). */
  linkState(name: string, peer: string): 'up' | 'down' | undefined;
  /** Wait until the domain's processor reports its link to every neighbour up (its last "link up"/"link down" line). */
  linksUp(name: string, timeoutMs?: number): Promise<void>;
  /** Cut every link into a domain named in `extra.proxied` (its neighbours can no longer send to it). */
  cutLinksInto(name: string): Promise<void>;
  /**
   * Cut the link between two domains, both named in `extra.proxied` (each one's proxy drops what the other dials),
   * and nothing else: what a partition between them does, until `heal`.
   */
  partition(a: string, b: string): void;
  /** Let the link between `a` and `b` be dialed again after `partition`. */
  heal(a: string, b: string): void;
  /** SIGKILL the domain's processor and connector (what they held in Kafka stays there). */
  kill(name: string): Promise<void>;
  /**
   * Start the domain's processor and connector again with the same names and environment (after SIGTERM if they
   * still run); resolves when both are ready (not waiting for its links: neighbours may be down). The connector's
   * port may change; the link endpoint stays.
   */
  restart(name: string): Promise<RealFederationDomain>;
  /** Stop every process, drop every database, remove the temporary files. */
  close(): Promise<void>;
}

interface Running {
  name: string;
  domain: string;
  linkEndpoint: string;
  database: string;
  processor: AppProcess;
  connector: AppProcess;
  connectorUrl: string;
  processorHealthUrl: string;
  processorEnv: Record<string, string>;
  connectorEnv: Record<string, string>;
}

/**
 * Run every domain of `options.topology` in real mode (`npm run build` first): ONE meta-server serving the topology
 * (renamed domains, free link ports), and per domain one processor with `LINKER_LINK_LISTEN=true` and the link secret
 * (reading the topology from the meta-server, its own MongoDB database) and one connector on a free port. Resolves
 * once every process is ready and every processor has its links to its neighbours up.
 */
export async function startRealFederation(options: RealFederationOptions): Promise<RealFederation> {
  const services = testServices();
  const extra = options.extra ?? {};
  const secret = extra.secret ?? randomBytes(24).toString('base64url');
  const internalToken = randomBytes(32).toString('base64url');
  const adminToken = randomBytes(32).toString('base64url');
  const names = new Map(options.topology.domains.map((domain) => [domain.name, uniqueName(domain.name)]));
  const linkPorts = new Map<string, number>();
  for (const domain of options.topology.domains) linkPorts.set(domain.name, await freePort());
  const topology = renamed(options.topology, names, linkPorts);
  // A proxied domain listens on a port of its own; its endpoint in the topology is the proxy.
  const proxies = new Map<string, { proxy: LinkProxy; listenPort: number }>();
  for (const name of extra.proxied ?? []) {
    const listenPort = await freePort();
    const proxy = new LinkProxy(linkPorts.get(name) as number, listenPort);
    await proxy.open();
    proxies.set(name, { proxy, listenPort });
  }

  const directory = await mkdtemp(join(tmpdir(), 'linker-federation-'));
  const started: AppProcess[] = [];
  const domains = new Map<string, Running>();
  const cleanUp = async (): Promise<void> => {
    await Promise.all(started.map((app) => stopWithin(app, STOP_TIMEOUT_MS)));
    await Promise.all([...proxies.values()].map(({ proxy }) => proxy.cut()));
    await Promise.all([...domains.values()].map((domain) => dropDatabase(services, domain.database).catch(() => undefined)));
    await rm(directory, { recursive: true, force: true });
  };
  const launch = (env: Pick<Running, 'processorEnv' | 'connectorEnv'>): Pick<Running, 'processor' | 'connector'> => {
    const processor = startApp('processor', env.processorEnv);
    const connector = startApp('connector', env.connectorEnv);
    started.push(processor, connector);
    return { processor, connector };
  };
  const ready = async (domain: Running): Promise<void> => {
    await processorReady(domain.processor);
    domain.connectorUrl = await connectorReady(domain.connector);
  };

  try {
    const { metaServer, metaServerUrl } = await startMetaServer(topology, join(directory, 'topology.yaml'), internalToken, adminToken);
    started.push(metaServer);
    for (const [name, domain] of names) {
      const common = servicesEnv(services, domain);
      const database = uniqueName('linker-fed');
      const metricsPort = await freePort();
      const settings = {
        name,
        domain,
        linkEndpoint: `ws://127.0.0.1:${linkPorts.get(name)}`,
        database,
        processorHealthUrl: `http://127.0.0.1:${metricsPort}/health`,
        processorEnv: {
          ...common,
          LINKER_PROCESSOR_NAME: 'processor-01',
          LINKER_META_SERVER_URL: metaServerUrl,
          LINKER_INTERNAL_TOKEN: internalToken,
          LINKER_TOPOLOGY_CACHE_FILE: join(directory, `${domain}-processor.json`),
          LINKER_MONGODB_URL: services.mongodbUrl,
          LINKER_MONGODB_DATABASE: database,
          LINKER_LINK_SECRET: secret,
          LINKER_LINK_LISTEN: 'true',
          // The link endpoints here are ws:// on one machine.
          LINKER_LINKS_ALLOW_CLEARTEXT: 'true',
          LINKER_METRICS_PORT: String(metricsPort),
          ...(proxies.has(name) ? { LINKER_LINK_PORT: String(proxies.get(name)?.listenPort) } : {}),
          ...extra.processorEnv,
        },
        connectorEnv: {
          ...common,
          LINKER_CONNECTOR_NAME: 'connector-01',
          LINKER_WS_PORT: '0',
          LINKER_META_SERVER_URL: metaServerUrl,
          LINKER_INTERNAL_TOKEN: internalToken,
          LINKER_TOPOLOGY_CACHE_FILE: join(directory, `${domain}-connector.json`),
          ...extra.connectorEnv,
        },
      };
      domains.set(name, { ...settings, ...launch(settings), connectorUrl: '' });
    }
    await Promise.all([...domains.values()].map(ready));

    const find = (name: string): Running => {
      const domain = domains.get(name);
      if (domain === undefined)
        throw new Error(`the federation has no domain ${JSON.stringify(name)} (it has ${[...domains.keys()].join(', ')})`);
      return domain;
    };
    const proxyOf = (name: string): LinkProxy => {
      const proxied = proxies.get(name);
      if (proxied === undefined) throw new Error(`${name} is not in extra.proxied: its links cannot be cut`);
      return proxied.proxy;
    };
    const neighbours = (name: string): string[] => {
      const domain = find(name).domain;
      return topology.domainLinks.flatMap((link) => (link.n1 === domain ? [link.n2] : link.n2 === domain ? [link.n1] : []));
    };
    const linksUp = async (name: string, timeoutMs = READY_TIMEOUT_MS): Promise<void> => {
      const domain = find(name);
      const peers = neighbours(name);
      await waitFor(
        `${domain.domain}'s links to ${peers.join(', ')} to be up`,
        () => {
          const output = domain.processor.output();
          if (domain.processor.child.exitCode !== null || domain.processor.child.signalCode !== null) {
            throw new Error(`the processor of ${domain.domain} exited; its output: ${output.slice(-1500)}`);
          }
          return peers.every((peer) => lastLinkState(output, peer) === 'up');
        },
        { timeoutMs, intervalMs: 100 },
      );
    };
    await Promise.all([...domains.keys()].map((name) => linksUp(name)));
    let closed: Promise<void> | undefined;
    return {
      metaServer,
      metaServerUrl,
      topology,
      secret,
      adminToken,
      domain: find,
      neighbours,
      linkState: (name, peer) => lastLinkState(find(name).processor.output(), find(peer).domain),
      linksUp,
      async cutLinksInto(name) {
        await proxyOf(name).cut();
      },
      partition(a, b) {
        proxyOf(a).block(find(b).domain);
        proxyOf(b).block(find(a).domain);
      },
      heal(a, b) {
        proxyOf(a).unblock(find(b).domain);
        proxyOf(b).unblock(find(a).domain);
      },
      async kill(name) {
        const domain = find(name);
        await Promise.all([domain.processor.stop('SIGKILL'), domain.connector.stop('SIGKILL')]);
      },
      async restart(name) {
        const domain = find(name);
        await Promise.all([stopWithin(domain.processor, STOP_TIMEOUT_MS), stopWithin(domain.connector, STOP_TIMEOUT_MS)]);
        Object.assign(domain, launch(domain));
        await ready(domain);
        return domain;
      },
      close() {
        closed ??= cleanUp();
        return closed;
      },
    };
  } catch (error) {
    return failedStart('the real-mode federation', started, cleanUp, error);
  }
}

/** What the last "link up" or "link down" line about `peer` in a processor's output says (undefined: none yet). */
function lastLinkState(output: string, peer: string): 'up' | 'down' | undefined {
  let state: 'up' | 'down' | undefined;
  for (const line of output.split('\n')) {
    if (!line.includes(`"peer":"${peer}"`)) continue;
    if (line.includes('"msg":"link up"')) state = 'up';
    else if (line.includes('"msg":"link down"')) state = 'down';
  }
  return state;
}

/** `topology` with every domain renamed by `names` and its link endpoint on `ws://127.0.0.1:<linkPorts>`. */
function renamed(topology: Topology, names: ReadonlyMap<string, string>, linkPorts: ReadonlyMap<string, number>): Topology {
  const rename = (name: string): string => names.get(name) ?? name;
  return {
    domains: topology.domains.map((domain) => ({
      name: rename(domain.name),
      urls: [domain.urls[0] ?? 'ws://127.0.0.1:0', `ws://127.0.0.1:${linkPorts.get(domain.name)}`],
    })),
    domainLinks: topology.domainLinks.map((link) => ({ ...link, n1: rename(link.n1), n2: rename(link.n2) })),
    clientApps: topology.clientApps.map((app) => ({
      ...app,
      ...(app.userDistributions
        ? { userDistributions: app.userDistributions.map((d) => ({ ...d, domainName: rename(d.domainName) })) }
        : {}),
    })),
  };
}
