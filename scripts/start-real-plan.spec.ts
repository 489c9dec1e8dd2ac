import { join } from 'node:path';
import { readTopologyFile, type Topology } from '@linker/topology';
import { federationPlan, oneDomainPlan } from './start-real-plan';

const RING = join(__dirname, '..', 'topologies', 'four-domain-ring.yaml');
const MONGODB_URL = 'mongodb://127.0.0.1:27117/';

describe('npm run start:real', () => {
  it('without --topology: one domain, the meta-server (its history in MongoDB, the web UI on 4400), two processors and two connectors (8089, 8090)', () => {
    const plan = oneDomainPlan(MONGODB_URL);
    expect(plan.map((p) => p.name)).toEqual(['meta-server', 'processor-01', 'processor-02', 'connector-01', 'connector-02']);
    expect(plan[0].env).toEqual({
      LINKER_META_PORT: '9000',
      LINKER_META_MONGODB_URL: MONGODB_URL,
      LINKER_META_MONGODB_DATABASE: 'linker-meta-single-domain',
      LINKER_UI_PORT: '4400',
      LINKER_UI_PROCESSOR_HEALTH_URLS: 'http://127.0.0.1:9464/health,http://127.0.0.1:9465/health',
      LINKER_UI_CONNECTOR_URLS: 'http://127.0.0.1:8089,http://127.0.0.1:8090',
    });
    expect(plan.filter((p) => p.app === 'processor').map((p) => p.env.LINKER_METRICS_PORT)).toEqual(['9464', '9465']);
    expect(plan.filter((p) => p.app === 'connector').map((p) => p.env.LINKER_WS_PORT)).toEqual(['8089', '8090']);
    expect(plan.every((p) => p.app === 'meta-server' || p.env.LINKER_DOMAIN === 'domain-01')).toBe(true);
  });

  it('with the ring: the meta-server serving the file (its history in a database of its own), and per domain one connector and one link-listening processor on its ports', async () => {
    const { path, topology } = await readTopologyFile(RING);
    const plan = federationPlan(path, topology, 's3cret', MONGODB_URL);
    expect(plan[0]).toEqual({
      name: 'meta-server',
      app: 'meta-server',
      env: {
        LINKER_META_PORT: '9000',
        LINKER_TOPOLOGY_FILE: path,
        LINKER_META_MONGODB_URL: MONGODB_URL,
        LINKER_META_MONGODB_DATABASE: 'linker-meta-four-domain-ring',
        LINKER_UI_PORT: '4400',
        LINKER_UI_PROCESSOR_HEALTH_URLS: [9464, 9465, 9466, 9467].map((port) => `http://127.0.0.1:${port}/health`).join(','),
      },
    });
    expect(plan).toHaveLength(9);
    expect(plan.find((p) => p.name === 'domain-03/connector-01')?.env).toMatchObject({
      LINKER_DOMAIN: 'domain-03',
      LINKER_WS_PORT: '8093',
      LINKER_META_SERVER_URL: 'http://127.0.0.1:9000',
    });
    expect(plan.find((p) => p.name === 'domain-03/processor-01')?.env).toMatchObject({
      LINKER_DOMAIN: 'domain-03',
      LINKER_LINK_SECRET: 's3cret',
      LINKER_LINK_LISTEN: 'true',
      LINKER_LINK_PORT: '9093',
      LINKER_LINKS_ALLOW_CLEARTEXT: 'true',
      LINKER_META_SERVER_URL: 'http://127.0.0.1:9000',
      LINKER_METRICS_PORT: '9466',
    });
  });

  it('refuses a topology with links and no LINKER_LINK_SECRET, and domains without the ports it needs, all problems at once', () => {
    const topology: Topology = {
      domains: [
        { name: 'a', urls: ['ws://127.0.0.1'] },
        { name: 'b', urls: ['ws://127.0.0.1:8092', 'tcp://127.0.0.1:9092'] },
      ],
      domainLinks: [{ n1: 'a', n2: 'b' }],
      clientApps: [],
    };
    expect(() => federationPlan('t.yaml', topology, undefined, MONGODB_URL)).toThrow(
      /LINKER_LINK_SECRET[\s\S]*domain a has no client endpoint with a port[\s\S]*domain a has links but no link endpoint/,
    );
    expect(() =>
      federationPlan('t.yaml', { ...topology, domainLinks: [], domains: [topology.domains[1]] }, undefined, MONGODB_URL),
    ).not.toThrow();
  });
});
