import { join } from 'node:path';
import { readTopologyFile, type Topology } from '@linker/topology';
import { RoutingTable } from '@linker/routing';

// The original's 4-domain ring: links 01-02, 02-03, 03-04, 01-04, all of cost 1.
const RING_FILE = join(__dirname, '../../../topologies/four-domain-ring.yaml');
const D1 = 'domain-01';
const D2 = 'domain-02';
const D3 = 'domain-03';
const D4 = 'domain-04';

describe('routing on the 4-domain ring', () => {
  let ring: Topology;
  let table: RoutingTable;

  beforeAll(async () => {
    ring = (await readTopologyFile(RING_FILE)).topology;
    table = RoutingTable.build(ring);
  });

  it('reaches each neighbour directly and each opposite domain in two hops', () => {
    expect(table.domains).toEqual([D1, D2, D3, D4]);
    expect(table.route(D1, D2)).toEqual({ kind: 'forward', destination: D2, via: D2, cost: 1, hops: 1 });
    expect(table.route(D1, D4)).toEqual({ kind: 'forward', destination: D4, via: D4, cost: 1, hops: 1 });
    expect(table.route(D1, D3)).toMatchObject({ kind: 'forward', cost: 2, hops: 2 });
    expect(table.route(D1, D1)).toEqual({ kind: 'local', destination: D1 });
  });

  it('breaks the equal-cost ties of the ring by the smallest sequence of names', () => {
    expect(table.path(D1, D3)).toEqual([D1, D2, D3]); // not 01,04,03
    expect(table.path(D3, D1)).toEqual([D3, D2, D1]); // not 03,04,01
    expect(table.path(D2, D4)).toEqual([D2, D1, D4]); // not 02,03,04
    expect(table.path(D4, D2)).toEqual([D4, D1, D2]); // not 04,03,02
  });

  it('routes around the domains an envelope has crossed (withoutDomains), or not at all when only they lead on', () => {
    expect(table.withoutDomains([D2]).path(D1, D3)).toEqual([D1, D4, D3]);
    const held = table.withLink(D1, D4, false).withoutDomains([D2]);
    expect(held.route(D1, D4)).toEqual({ kind: 'unreachable', destination: D4, reason: 'no-path' });
    expect(table.withoutDomains([])).toBe(table);
  });

  it('gives the same tie-breaks whatever the order of the document', () => {
    const reordered = RoutingTable.build({
      domains: [...ring.domains].reverse(),
      domainLinks: [...ring.domainLinks].reverse().map(({ n1, n2 }) => ({ n1: n2, n2: n1 })),
    });
    for (const from of table.domains) for (const to of table.domains) expect(reordered.path(from, to)).toEqual(table.path(from, to));
  });

  it('fails over: with 01-02 cut, 01 → 03 goes through 04; restored, it goes back to the shortest path', () => {
    const cut = table.withLink(D1, D2, false);
    expect(cut.isUp(D1, D2)).toBe(false);
    expect(cut.linksDown()).toEqual([{ n1: D1, n2: D2, cost: 1 }]);
    expect(cut.route(D1, D3)).toEqual({ kind: 'forward', destination: D3, via: D4, cost: 2, hops: 2 });
    expect(cut.path(D1, D3)).toEqual([D1, D4, D3]);
    // The other side of the cut goes round the ring too.
    expect(cut.path(D1, D2)).toEqual([D1, D4, D3, D2]);
    expect(cut.path(D2, D1)).toEqual([D2, D3, D4, D1]);
    expect(cut.neighbours(D1)).toEqual([D4]);

    const restored = cut.withLink(D2, D1, true); // either order of the two names
    expect(restored.isUp(D1, D2)).toBe(true);
    expect(restored.linksDown()).toEqual([]);
    expect(restored.path(D1, D3)).toEqual([D1, D2, D3]);
    expect(restored.route(D1, D2)).toMatchObject({ via: D2, hops: 1 });
  });

  it('keeps the table when a link change changes nothing, and ignores a link the topology does not have', () => {
    expect(table.withLink(D1, D2, true)).toBe(table);
    expect(table.withLink(D1, D3, false)).toBe(table);
    const cut = table.withLink(D1, D2, false);
    expect(cut.withLink(D1, D2, false)).toBe(cut);
    expect(table.isUp(D1, D2)).toBe(true); // the original table is unchanged
  });

  it('lets a link cost make a longer path win', () => {
    const costly = RoutingTable.build({
      ...ring,
      domainLinks: ring.domainLinks.map((l) => (l.n1 === D1 && l.n2 === D2 ? { ...l, cost: 5 } : l)),
    });
    // 01 → 02 directly costs 5; round the ring through 04 and 03 costs 3.
    expect(costly.route(D1, D2)).toEqual({ kind: 'forward', destination: D2, via: D4, cost: 3, hops: 3 });
    expect(costly.path(D1, D3)).toEqual([D1, D4, D3]);
    // A cost that only ties keeps the tie-break: 01-02 at cost 3 ties with 01,04,03,02.
    const tied = RoutingTable.build({
      ...ring,
      domainLinks: ring.domainLinks.map((l) => (l.n1 === D1 && l.n2 === D2 ? { ...l, cost: 3 } : l)),
    });
    expect(tied.path(D1, D2)).toEqual([D1, D2]);
  });

  it('with two cuts the ring splits in two: across the split is unreachable, within it still routed', () => {
    const split = table.withLink(D1, D2, false).withLink(D3, D4, false);
    expect(split.route(D1, D3)).toEqual({ kind: 'unreachable', destination: D3, reason: 'no-path' });
    expect(split.path(D1, D3)).toEqual([]);
    expect(split.route(D1, D4)).toMatchObject({ via: D4 });
    expect(split.route(D2, D3)).toMatchObject({ via: D3 });
  });

  it('with every link down every other domain is unreachable, and each domain still delivers locally', () => {
    const dark = RoutingTable.build(ring, () => false);
    for (const from of dark.domains) {
      expect(dark.neighbours(from)).toEqual([]);
      for (const to of dark.domains) {
        expect(dark.route(from, to)).toEqual(
          from === to ? { kind: 'local', destination: to } : { kind: 'unreachable', destination: to, reason: 'no-path' },
        );
      }
    }
    expect(dark.linksDown()).toHaveLength(4);
    // And back up one by one: 01-04 up connects 01 and 04 only.
    const one = dark.withLink(D1, D4, true);
    expect(one.route(D1, D4)).toMatchObject({ via: D4 });
    expect(one.route(D1, D2)).toMatchObject({ kind: 'unreachable' });
  });

  it('builds from a predicate of the links that are up', () => {
    const built = RoutingTable.build(ring, (a, b) => !(a === D1 && b === D2) && !(a === D2 && b === D1));
    expect(built.path(D1, D3)).toEqual([D1, D4, D3]);
  });

  it('carries link states over a new topology version; new links are up unless told otherwise', () => {
    const cut = table.withLink(D1, D2, false);
    const withDiagonal: Topology = { ...ring, domainLinks: [...ring.domainLinks, { n1: D1, n2: D3 }] };
    const next = cut.withTopology(withDiagonal);
    expect(next.isUp(D1, D2)).toBe(false);
    expect(next.route(D1, D3)).toMatchObject({ via: D3, hops: 1 });
    const nextDown = cut.withTopology(withDiagonal, false);
    expect(nextDown.isUp(D1, D3)).toBe(false);
    expect(nextDown.path(D1, D3)).toEqual([D1, D4, D3]);
    // A link that the new version drops is gone, whatever its state was.
    const smaller = cut.withTopology({ ...ring, domainLinks: ring.domainLinks.filter((l) => l.n1 !== D1 || l.n2 !== D2) });
    expect(smaller.linksDown()).toEqual([]);
  });
});
