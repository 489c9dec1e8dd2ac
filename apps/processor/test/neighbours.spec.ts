import { MemoryLinkNetwork } from '@linker/domain-link';
import { silentLogger } from '@linker/observability';
import { TopologyView, type Topology } from '@linker/topology';
import { Neighbours } from '../src/federation/neighbours';

// ADR 0009: the next hop of an envelope never goes back through a domain it crossed (that domain would drop it as a
// repeat after acknowledging it). A line 01 — 02 — 03, seen from domain-01, whose links are all down (nothing listens).

const line: Topology = {
  domains: [1, 2, 3].map((n) => ({ name: `domain-0${n}`, urls: [`ws://127.0.0.1:810${n}`, `memory://domain-0${n}`] })),
  domainLinks: [
    { n1: 'domain-01', n2: 'domain-02' },
    { n1: 'domain-02', n2: 'domain-03' },
  ],
  clientApps: [],
};

describe('Neighbours.route', () => {
  const view = new TopologyView(line);
  const neighbours = new Neighbours({
    domain: 'domain-01',
    transport: new MemoryLinkNetwork(),
    secretFor: () => 'secret',
    logger: silentLogger,
  });
  afterAll(() => neighbours.close());

  it('gives the way custody waits for when no link is up', () => {
    expect(neighbours.route(view, 'domain-03')).toMatchObject({ kind: 'forward', via: 'domain-02' });
    expect(neighbours.route(view, 'domain-03', ['domain-01'])).toMatchObject({ kind: 'forward', via: 'domain-02' });
  });

  it('is local for its own domain, whatever the path', () => {
    expect(neighbours.route(view, 'domain-01', ['domain-02', 'domain-01'])).toEqual({ kind: 'local', destination: 'domain-01' });
  });

  it('gives no way when every way leads back through a domain the envelope crossed', () => {
    expect(neighbours.route(view, 'domain-03', ['domain-02', 'domain-01'])).toMatchObject({ kind: 'unreachable' });
    expect(neighbours.route(view, 'domain-02', ['domain-02', 'domain-01'])).toMatchObject({ kind: 'forward', via: 'domain-02' }); // back to its destination is fine
  });
});
