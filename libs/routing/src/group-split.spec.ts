import { join } from 'node:path';
import { readTopologyFile, TopologyView, type Topology } from '@linker/topology';
import { isolatedRoutes, routeUser, RoutingTable, splitGroup, type Route, type RouteLookup } from '@linker/routing';

// The ring's ANZ users: 0-999999 in domain-01, 1000000-2999999 in 02, 3000000-5999999 in 03, from 6000000 in 04.
const RING_FILE = join(__dirname, '../../../topologies/four-domain-ring.yaml');
const D1 = 'domain-01';
const D2 = 'domain-02';
const D3 = 'domain-03';
const D4 = 'domain-04';

describe('recipients: route, group split', () => {
  let topology: Topology;
  let view: TopologyView;
  let table: RoutingTable;

  beforeAll(async () => {
    const ring = (await readTopologyFile(RING_FILE)).topology;
    topology = {
      ...ring,
      clientApps: [
        ...ring.clientApps,
        // Users everywhere (no distributions), and an app with a gap between its ranges.
        { appName: 'ANY', appId: 'any', authEnabled: false },
        {
          appName: 'GAP',
          appId: 'gap',
          authEnabled: false,
          userDistributions: [
            { domainName: D2, from: 0, to: 9 },
            { domainName: D3, from: 20, to: 29 },
          ],
        },
      ],
    };
    view = new TopologyView(topology);
    table = RoutingTable.build(topology);
  });

  describe('routeUser', () => {
    it.each([
      ['ANZ-123456', { kind: 'forward', destination: D1 }],
      ['ANZ-3123456', { kind: 'forward', destination: D3 }],
      ['ANZ-6000000', { kind: 'forward', destination: D4 }],
      ['ANY-5', { kind: 'local', destination: D2 }], // at home everywhere: here, seen from domain-02
      ['GAP-15', { kind: 'unroutable', reason: 'outside-ranges' }],
      ['XYZ-1', { kind: 'unroutable', reason: 'unknown-app' }],
      ['not a user', { kind: 'unroutable', reason: 'invalid-user-id' }],
    ])('%s seen from domain-02 → %j', (userId, expected) => {
      expect(routeUser(view, table.from(D2), userId)).toMatchObject(expected);
    });

    it('routes ANZ-3123456 (domain-03) from domain-01 through domain-02, and ANZ-123456 locally', () => {
      const routes = table.from(D1);
      expect(routeUser(view, routes, 'ANZ-3123456')).toEqual({ kind: 'forward', destination: D3, via: D2, cost: 2, hops: 2 });
      expect(routeUser(view, routes, 'ANZ-123456')).toEqual({ kind: 'local', destination: D1 });
      expect(routeUser(view, routes, 'ANY-1')).toEqual({ kind: 'local', destination: D1 });
    });

    it('reports unroutable ids and unreachable homes', () => {
      expect(routeUser(view, table.from(D1), 'XYZ-1')).toEqual({ kind: 'unroutable', reason: 'unknown-app' });
      const dark = table.withLink(D1, D2, false).withLink(D1, D4, false);
      expect(routeUser(view, dark.from(D1), 'ANZ-3123456')).toEqual({ kind: 'unreachable', destination: D3, reason: 'no-path' });
    });

    it('asks the routes for the home with the path the envelope crossed (splitGroup too), and nothing for an id of no domain', () => {
      const asked: Array<[string, readonly string[] | undefined]> = [];
      const routes: RouteLookup = {
        domain: D1,
        to: (destination: string, path?: readonly string[]): Route => {
          asked.push([destination, path]);
          return table.route(D1, destination);
        },
      };
      const path = [D4, D1];
      expect(routeUser(view, routes, 'ANZ-3123456', path)).toMatchObject({ kind: 'forward', via: D2 });
      expect(routeUser(view, routes, 'ANY-1', path)).toEqual({ kind: 'local', destination: D1 });
      expect(routeUser(view, routes, 'XYZ-1', path)).toEqual({ kind: 'unroutable', reason: 'unknown-app' });
      expect(splitGroup(view, routes, ['ANZ-2000001', 'XYZ-1'], path).forwards).toEqual(new Map([[D2, ['ANZ-2000001']]]));
      expect(asked).toEqual([
        [D3, path],
        [D1, path],
        [D2, path],
      ]);
    });

    it('with isolatedRoutes reaches only the domain itself: other homes have no path', () => {
      const alone = isolatedRoutes(D1);
      expect(routeUser(view, alone, 'ANZ-123456')).toEqual({ kind: 'local', destination: D1 });
      expect(routeUser(view, alone, 'ANY-1')).toBe(alone.to(D1)); // one shared answer: nothing allocated per message
      expect(routeUser(view, alone, 'ANZ-3123456')).toEqual({ kind: 'unreachable', destination: D3, reason: 'no-path' });
    });
  });

  describe('splitGroup', () => {
    // The original's CustomGroupMessageProcessorTest: 8 recipients over domains 01, 02 and 04, sent from domain-01.
    const EIGHT = ['ANZ-123221', 'ANZ-123222', 'ANZ-123223', 'ANZ-123225', 'ANZ-2000001', 'ANZ-2000002', 'ANZ-6000001', 'ANZ-6000002'];

    it('splits 8 users over 3 domains into the local ones and one sub-group per next-hop domain', () => {
      const split = splitGroup(view, table.from(D1), EIGHT);
      expect(split.local).toEqual(['ANZ-123221', 'ANZ-123222', 'ANZ-123223', 'ANZ-123225']);
      expect([...split.forwards]).toEqual([
        [D2, ['ANZ-2000001', 'ANZ-2000002']],
        [D4, ['ANZ-6000001', 'ANZ-6000002']],
      ]);
      expect(split.unreachable).toEqual([]);
    });

    it('puts users of a farther domain in the sub-group of the next hop, not a group of their own', () => {
      // domain-03 is reached through domain-02 (tie-break), so its users join domain-02's sub-group.
      const split = splitGroup(view, table.from(D1), [...EIGHT, 'ANZ-3000001']);
      expect([...split.forwards.keys()]).toEqual([D2, D4]);
      expect(split.forwards.get(D2)).toEqual(['ANZ-2000001', 'ANZ-2000002', 'ANZ-3000001']);
    });

    it('regroups after a failover: with 01-02 cut, the domain-02 and domain-03 users go through domain-04', () => {
      const split = splitGroup(view, table.withLink(D1, D2, false).from(D1), [...EIGHT, 'ANZ-3000001']);
      expect([...split.forwards]).toEqual([[D4, ['ANZ-2000001', 'ANZ-2000002', 'ANZ-6000001', 'ANZ-6000002', 'ANZ-3000001']]]);
      expect(split.local).toHaveLength(4);
    });

    it('collapses duplicates and reports the unreachable with their reason, in the order given', () => {
      const cut = table.withLink(D1, D2, false).withLink(D1, D4, false);
      const split = splitGroup(view, cut.from(D1), ['ANZ-1', 'XYZ-1', 'ANZ-2000001', 'ANZ-1', 'GAP-15', 'ANY-7', 'ANZ-2000001']);
      expect(split.local).toEqual(['ANZ-1', 'ANY-7']);
      expect(split.forwards.size).toBe(0);
      expect(split.unreachable).toEqual([
        { userId: 'XYZ-1', reason: 'unknown-app' },
        { userId: 'ANZ-2000001', domain: D2, reason: 'no-path' },
        { userId: 'GAP-15', reason: 'outside-ranges' },
      ]);
    });

    it('gives an empty split for no recipients', () => {
      expect(splitGroup(view, table.from(D1), [])).toEqual({ local: [], forwards: new Map(), unreachable: [] });
    });
  });
});
