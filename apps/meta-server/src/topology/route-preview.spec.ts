import type { Topology } from '@linker/topology';
import { linkName, parseRouteQuery, previewRoute, type RouteQuery } from './route-preview';

/** The original's ring (01-02-03-04-01) with one app distributed over it, one app at home everywhere. */
const RING: Topology = {
  domains: ['domain-01', 'domain-02', 'domain-03', 'domain-04'].map((name, i) => ({ name, urls: [`ws://127.0.0.1:809${i + 1}`] })),
  domainLinks: [
    { n1: 'domain-01', n2: 'domain-02' },
    { n1: 'domain-02', n2: 'domain-03' },
    { n1: 'domain-03', n2: 'domain-04' },
    { n1: 'domain-01', n2: 'domain-04' },
  ],
  clientApps: [
    {
      appName: 'ANZ',
      appId: 'app-id-343',
      authEnabled: false,
      userDistributions: [
        { domainName: 'domain-01', from: 0, to: 999999 },
        { domainName: 'domain-02', from: 1000000, to: 2999999 },
        { domainName: 'domain-03', from: 3000000, to: 5999999 },
        { domainName: 'domain-04', from: 6000000, to: 6999999 },
      ],
    },
    { appName: 'ALL', appId: 'all', authEnabled: false },
  ],
};

const query = (from: string, to: string, down: Array<[string, string]> = [], at?: string): RouteQuery => ({ from, to, down, at });

describe('previewRoute', () => {
  it('gives both homes and the least-cost path, smallest names first on a tie (the processors’ rule)', () => {
    expect(previewRoute(RING, query('ANZ-123456', 'ANZ-3123456'))).toEqual({
      from: { userId: 'ANZ-123456', home: { kind: 'domain', domain: 'domain-01' } },
      to: { userId: 'ANZ-3123456', home: { kind: 'domain', domain: 'domain-03' } },
      path: ['domain-01', 'domain-02', 'domain-03'],
    });
  });

  it('goes around a link that is down, and says why when no path is left', () => {
    expect(previewRoute(RING, query('ANZ-123456', 'ANZ-3123456', [['domain-02', 'domain-01']])).path).toEqual([
      'domain-01',
      'domain-04',
      'domain-03',
    ]);
    const cut = previewRoute(
      RING,
      query('ANZ-123456', 'ANZ-3123456', [
        ['domain-01', 'domain-02'],
        ['domain-04', 'domain-01'],
      ]),
    );
    expect(cut.path).toEqual([]);
    expect(cut.reason).toBe(
      'no path from domain-01 to domain-03 over the links that are up (down: domain-01~domain-02, domain-01~domain-04)',
    );
  });

  it('is one domain for two users of the same home', () => {
    expect(previewRoute(RING, query('ANZ-1', 'ANZ-2')).path).toEqual(['domain-01']);
  });

  it('places a user at home everywhere where the other one is, or at `at` when it sends', () => {
    expect(previewRoute(RING, query('ALL-1', 'ANZ-3000000')).path).toEqual(['domain-03']);
    expect(previewRoute(RING, query('ALL-1', 'ANZ-3000000', [], 'domain-01')).path).toEqual(['domain-01', 'domain-02', 'domain-03']);
    const toEverywhere = previewRoute(RING, query('ANZ-6000000', 'ALL-7'));
    expect(toEverywhere.to.home).toEqual({ kind: 'everywhere' });
    expect(toEverywhere.path).toEqual(['domain-04']);
  });

  it('says in words why a user has no home', () => {
    expect(previewRoute(RING, query('ANZ-1', 'XYZ-1')).reason).toBe('XYZ-1 cannot receive: no client app is named XYZ');
    const outside = previewRoute(RING, query('ANZ-9000000', 'ANZ-1'));
    expect(outside).toMatchObject({ path: [], from: { home: { kind: 'outside-ranges' } } });
    expect(outside.reason).toBe(
      'ANZ-9000000 cannot send from: its number is outside every user range of app ANZ, so it has no home domain',
    );
  });

  it('names a home domain the topology does not know', () => {
    const broken: Topology = {
      ...RING,
      clientApps: [{ appName: 'ANZ', appId: 'a', userDistributions: [{ domainName: 'domain-06', from: 0, to: 9 }] }],
    };
    expect(previewRoute(broken, query('ANZ-1', 'ANZ-2')).reason).toBe('domain-06 is not a domain of the topology');
  });
});

describe('parseRouteQuery', () => {
  it('reads the user ids, the links that are down and where a user at home everywhere is', () => {
    expect(
      parseRouteQuery(RING, { from: ' ANZ-1 ', to: 'ANZ-2', down: 'domain-02~domain-01, domain-03~domain-04', at: 'domain-02' }),
    ).toEqual({
      from: 'ANZ-1',
      to: 'ANZ-2',
      down: [
        ['domain-02', 'domain-01'],
        ['domain-03', 'domain-04'],
      ],
      at: 'domain-02',
    });
    expect(parseRouteQuery(RING, { from: 'ANZ-1', to: 'ANZ-2', down: '' })).toEqual({
      from: 'ANZ-1',
      to: 'ANZ-2',
      down: [],
      at: undefined,
    });
  });

  it('refuses malformed ids, links and domains, every problem at once', () => {
    expect(() => parseRouteQuery(RING, { from: 'ANZ 1', down: 'domain-01', at: 'domain-09' })).toThrow(
      'from "ANZ 1" is not a user id: it must be <appName>-<number>, e.g. ANZ-123456; ' +
        'to is required: a user id such as ANZ-123456; ' +
        'down "domain-01" is not a link: write it <domain>~<domain>, several separated by commas; ' +
        'at "domain-09" is not a domain of the topology',
    );
    expect(() => parseRouteQuery(RING, { from: ['ANZ-1', 'ANZ-2'], to: 'ANZ-3' })).toThrow('from must be given once');
  });
});

describe('linkName', () => {
  it('sorts the two names', () => {
    expect(linkName('domain-02', 'domain-01')).toBe('domain-01~domain-02');
    expect(linkName('domain-01', 'domain-02')).toBe('domain-01~domain-02');
  });
});
