import { diffTopology, movedUsers, type MovedUsers, type Placement } from './diff-topology';
import type { Topology, UserDistribution } from './topology';
import { MAX_USER_NUMBER } from './topology-view';

const at = (domain: string): Placement => ({ kind: 'domain', domain });
const everywhere: Placement = { kind: 'everywhere' };
const outside: Placement = { kind: 'outside-ranges' };
const d = (domainName: string, from?: number, to?: number): UserDistribution => ({
  domainName,
  ...(from === undefined ? {} : { from }),
  ...(to === undefined ? {} : { to }),
});

const RING: Topology = {
  domains: ['domain-01', 'domain-02', 'domain-03', 'domain-04'].map((name) => ({ name, urls: [`ws://${name}:8088`] })),
  domainLinks: [
    { n1: 'domain-01', n2: 'domain-02' },
    { n1: 'domain-02', n2: 'domain-03' },
    { n1: 'domain-03', n2: 'domain-04' },
    { n1: 'domain-04', n2: 'domain-01' },
  ],
  clientApps: [
    { appName: 'ANZ', appId: 'a', userDistributions: [d('domain-01', 0, 999), d('domain-02', 1000, 2999), d('domain-03', 3000)] },
    { appName: 'OLD', appId: 'o' },
    { appName: 'HS', appId: 'h', jwtSecret: 'x'.repeat(32) },
  ],
};

describe('movedUsers (number ranges whose home changes)', () => {
  const cases: Array<[string, UserDistribution[], UserDistribution[], Array<Omit<MovedUsers, 'appName'>>]> = [
    ['identical distributions: nobody moves', [d('a', 0, 9), d('b', 10)], [d('b', 10), d('a', 0, 9)], []],
    [
      'a boundary moves down: the range between goes to the other domain',
      [d('a', 0, 999), d('b', 1000)],
      [d('a', 0, 499), d('b', 500)],
      [{ from: 500, to: 999, before: at('a'), after: at('b') }],
    ],
    [
      'a range given to a new domain',
      [d('a', 0, 999), d('b', 1000, 2999)],
      [d('a', 0, 999), d('c', 1000, 2999)],
      [{ from: 1000, to: 2999, before: at('b'), after: at('c') }],
    ],
    [
      'a range removed: its users are outside every range',
      [d('a', 0, 9), d('b', 10, 19)],
      [d('a', 0, 9)],
      [{ from: 10, to: 19, before: at('b'), after: outside }],
    ],
    [
      'distributions added to an app that had none',
      [],
      [d('a', 100, 199)],
      [
        { from: 0, to: 99, before: everywhere, after: outside },
        { from: 100, to: 199, before: everywhere, after: at('a') },
        { from: 200, to: MAX_USER_NUMBER, before: everywhere, after: outside },
      ],
    ],
    ['every distribution removed', [d('a')], [], [{ from: 0, to: MAX_USER_NUMBER, before: at('a'), after: everywhere }]],
    [
      'two adjacent ranges with the same move are merged',
      [d('a', 0, 9), d('a', 10, 19)],
      [d('b', 0, 19)],
      [{ from: 0, to: 19, before: at('a'), after: at('b') }],
    ],
    [
      'an unbounded tail split',
      [d('a', 0)],
      [d('a', 0, 10 ** 12 - 1), d('b', 10 ** 12)],
      [{ from: 10 ** 12, to: MAX_USER_NUMBER, before: at('a'), after: at('b') }],
    ],
  ];
  it.each(cases)('%s', (_name, before, after, expected) => {
    expect(movedUsers('ANZ', before, after)).toEqual(expected.map((m) => ({ appName: 'ANZ', ...m })));
  });

  it('costs the number of ranges, not the number of users (a 10^15-user app is instant)', () => {
    const started = process.hrtime.bigint();
    expect(movedUsers('BIG', [d('a', 0)], [d('b', 0)])).toEqual([
      { appName: 'BIG', from: 0, to: MAX_USER_NUMBER, before: at('a'), after: at('b') },
    ]);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
  });
});

describe('diffTopology', () => {
  it('finds nothing between a topology and itself, or one with links written the other way round', () => {
    const flipped = { ...RING, domainLinks: RING.domainLinks.map(({ n1, n2 }) => ({ n1: n2, n2: n1, cost: 1 })) };
    const empty = {
      domains: { added: [], removed: [], changed: [] },
      links: { added: [], removed: [], changed: [] },
      apps: { added: [], removed: [], changed: [] },
      movedUsers: [],
    };
    expect(diffTopology(RING, RING)).toEqual(empty);
    expect(diffTopology(RING, flipped)).toEqual(empty);
  });

  it('reports domains, links, apps and moved users of an edit', () => {
    const after: Topology = {
      domains: [...RING.domains.filter((x) => x.name !== 'domain-03'), { name: 'domain-05', urls: ['ws://domain-05:8088'] }].map((x) =>
        x.name === 'domain-01' ? { ...x, urls: ['ws://elsewhere:8088'] } : x,
      ),
      domainLinks: [
        { n1: 'domain-04', n2: 'domain-01', cost: 3 },
        { n1: 'domain-05', n2: 'domain-02' },
        { n1: 'domain-02', n2: 'domain-01' },
      ],
      clientApps: [
        { appName: 'ANZ', appId: 'a', userDistributions: [d('domain-01', 0, 1999), d('domain-05', 2000)] },
        { appName: 'HS', appId: 'h', jwtSecret: 'y'.repeat(32), authEnabled: true },
        { appName: 'NEW', appId: 'n' },
      ],
    };
    expect(diffTopology(RING, after)).toEqual({
      domains: {
        added: ['domain-05'],
        removed: ['domain-03'],
        changed: [{ name: 'domain-01', urlsBefore: ['ws://domain-01:8088'], urlsAfter: ['ws://elsewhere:8088'] }],
      },
      links: {
        added: [{ n1: 'domain-02', n2: 'domain-05', cost: 1 }],
        removed: [
          { n1: 'domain-02', n2: 'domain-03', cost: 1 },
          { n1: 'domain-03', n2: 'domain-04', cost: 1 },
        ],
        changed: [{ n1: 'domain-01', n2: 'domain-04', costBefore: 1, costAfter: 3 }],
      },
      apps: {
        added: ['NEW'],
        removed: ['OLD'],
        changed: [
          { appName: 'ANZ', fields: ['userDistributions'] },
          { appName: 'HS', fields: ['jwtSecret'] },
        ],
      },
      movedUsers: [
        { appName: 'ANZ', from: 1000, to: 1999, before: at('domain-02'), after: at('domain-01') },
        { appName: 'ANZ', from: 2000, to: 2999, before: at('domain-02'), after: at('domain-05') },
        { appName: 'ANZ', from: 3000, to: MAX_USER_NUMBER, before: at('domain-03'), after: at('domain-05') },
      ],
    });
    expect(JSON.stringify(diffTopology(RING, after))).not.toContain('y'.repeat(32));
  });
});
