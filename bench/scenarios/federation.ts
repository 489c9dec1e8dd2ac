import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchEndpoint } from '../src/client';
import { freePort, waitForPort, type ServerProcess } from '../src/processes';
import type { Deployment, StartDeployment } from '../src/scenario';
import {
  APP,
  awaitAuthentication,
  BENCH_CHANNELS,
  builtEntry,
  exitedCheck,
  freshUserBase,
  START_TIMEOUT_MS,
  stopAll,
  tempDir,
} from './deployments';

/** Users numbered from `i × DOMAIN_BLOCK` up are at home in the i-th domain of the line (bench-01 holds 0 up). */
export const DOMAIN_BLOCK = 1_000_000_000;

/** One domain of a bench federation: its name and the ports of its client and link endpoints. */
export interface LineDomain {
  name: string;
  clientPort: number;
  linkPort: number;
}

export const lineDomainName = (index: number): string => `bench-${String(index + 1).padStart(2, '0')}`;

/**
 * A line of domains bench-01 — bench-02 — … (each linked to the next, cost 1), each with its client and link
 * endpoint on 127.0.0.1, and the app BENCH (no credentials) whose users are spread over them in blocks of
 * DOMAIN_BLOCK: from bench-01, the domain `i` of the line is `i` hops away.
 */
export function lineTopology(domains: LineDomain[]): string {
  return [
    'domains:',
    ...domains.flatMap((d) => [`  - name: ${d.name}`, `    urls: [ "ws://127.0.0.1:${d.clientPort}", "ws://127.0.0.1:${d.linkPort}" ]`]),
    domains.length > 1 ? 'domainLinks:' : 'domainLinks: []',
    ...domains.slice(1).map((d, i) => `  - { n1: ${domains[i]!.name}, n2: ${d.name} }`),
    'clientApps:',
    `  - appName: ${APP.appName}`,
    `    appId: ${APP.appId}`,
    '    authEnabled: false',
    ...BENCH_CHANNELS,
    '    userDistributions:',
    ...domains.map(
      (d, i) =>
        `      - { domainName: ${d.name}, from: ${i * DOMAIN_BLOCK}${i < domains.length - 1 ? `, to: ${(i + 1) * DOMAIN_BLOCK - 1}` : ''} }`,
    ),
    '',
  ].join('\n');
}

const endpointOf = (domain: LineDomain): BenchEndpoint => ({ url: `ws://127.0.0.1:${domain.clientPort}/ws`, appId: APP.appId });

/**
 * A federation of embedded processes (the built `apps/embedded`, one per domain) on a line `hops + 1` domains long,
 * as the README runs one: bench-01 reads the topology and serves the meta-server, the others follow it with
 * `--meta-server`; every port is free, every process has the same fresh `LINKER_LINK_SECRET` and a temp data dir.
 * Senders connect to bench-01; the recipients are users at home in the last domain, `hops` hops away.
 */
export function startFederation(hops: number): StartDeployment {
  return async (request) => {
    const entry = builtEntry('embedded', request);
    const temp = tempDir();
    const domains: LineDomain[] = [];
    for (let i = 0; i <= hops; i++) domains.push({ name: lineDomainName(i), clientPort: await freePort(), linkPort: await freePort() });
    const metaPort = await freePort();
    const topology = join(temp.dir, 'topology.yaml');
    writeFileSync(topology, lineTopology(domains));
    const env = { PATH: process.env.PATH ?? '', LINKER_LINK_SECRET: randomBytes(24).toString('hex') };
    const userBase = freshUserBase();
    const servers: ServerProcess[] = [];
    const deployment: Deployment = {
      mode: 'embedded',
      endpoint: endpointOf(domains[0]!),
      appName: APP.appName,
      userBase,
      servers,
      recipients: { endpoint: endpointOf(domains[hops]!), userBase: hops * DOMAIN_BLOCK + userBase },
      stop: () => stopAll(servers, temp.remove),
    };
    const flags = (d: LineDomain): string[] => [
      '--domain',
      d.name,
      '--ws-port',
      String(d.clientPort),
      '--link-port',
      String(d.linkPort),
      '--data-dir',
      join(temp.dir, d.name),
      '--log-level',
      'warn',
    ];
    const start = (d: LineDomain, args: string[]): ServerProcess => {
      const server = request.startNode(d.name, [entry, ...args, ...flags(d)], env);
      servers.push(server);
      return server;
    };
    const alive = (): void => servers.forEach(exitedCheck);
    try {
      start(domains[0]!, ['--topology', topology, '--meta-port', String(metaPort), '--no-ui']);
      await waitForPort(`the meta-server of ${domains[0]!.name}`, '127.0.0.1', metaPort, START_TIMEOUT_MS, alive);
      for (const d of domains.slice(1)) start(d, ['--meta-server', `http://127.0.0.1:${metaPort}`]);
      for (const [i, d] of domains.entries()) {
        await waitForPort(`the client WebSocket of ${d.name}`, '127.0.0.1', d.clientPort, START_TIMEOUT_MS, alive);
        await awaitAuthentication(deployment, alive, { endpoint: endpointOf(d), userId: `${APP.appName}-${i * DOMAIN_BLOCK + 1}` });
      }
    } catch (error) {
      await deployment.stop();
      throw error;
    }
    return deployment;
  };
}
