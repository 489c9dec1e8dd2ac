import { circleLayout, downLinks, graphLinks, linkName, pathLinks, type LinkReport } from './link-states';

const RING = [
  { n1: 'domain-01', n2: 'domain-02' },
  { n1: 'domain-02', n2: 'domain-03' },
  { n1: 'domain-04', n2: 'domain-03', cost: 2 },
  { n1: 'domain-01', n2: 'domain-04' },
];

describe('graphLinks', () => {
  it('is unknown without a report, down when any end reports it down, up when every report says up', () => {
    const reports: LinkReport[] = [
      { from: 'domain-01', to: 'domain-02', up: true, since: 0, rttMs: 2.8396400001 },
      { from: 'domain-02', to: 'domain-01', up: true },
      { from: 'domain-01', to: 'domain-04', up: false, since: 1_000, waiting: 7, processor: 'processor-01' },
      { from: 'domain-04', to: 'domain-01', up: true },
      { from: 'domain-01', to: 'domain-09', up: true },
    ];
    const links = graphLinks(RING, reports, 61_000);
    expect(links.map((l) => [l.key, l.state, l.cost])).toEqual([
      ['domain-01~domain-02', 'up', 1],
      ['domain-02~domain-03', 'unknown', 1],
      ['domain-03~domain-04', 'unknown', 2],
      ['domain-01~domain-04', 'down', 1],
    ]);
    expect(links[0].detail).toEqual(['domain-01 → domain-02: up, for 1 min 1 s, round trip 2.8 ms', 'domain-02 → domain-01: up']);
    expect(links[3].detail[0]).toBe('domain-01 → domain-04: down, for 1 min 0 s, 7 waiting in custody (processor-01)');
    expect(downLinks(links)).toEqual(['domain-01~domain-04']);
  });

  it('draws a link listed twice once, and never a link of a domain to itself', () => {
    const links = graphLinks([...RING, { n1: 'domain-02', n2: 'domain-01' }, { n1: 'domain-01', n2: 'domain-01' }], []);
    expect(links.map((l) => l.key)).toEqual(['domain-01~domain-02', 'domain-02~domain-03', 'domain-03~domain-04', 'domain-01~domain-04']);
  });
});

describe('names and paths', () => {
  it('names a link by its two domains sorted', () => {
    expect(linkName('b', 'a')).toBe('a~b');
    expect([...pathLinks(['domain-01', 'domain-04', 'domain-03'])]).toEqual(['domain-01~domain-04', 'domain-03~domain-04']);
    expect(pathLinks(['domain-01']).size).toBe(0);
  });
});

describe('circleLayout', () => {
  it('puts one domain in the centre and several evenly on a circle, the first at the top', () => {
    expect(circleLayout(['a'], 400, 300, 50).get('a')).toEqual({ x: 200, y: 150 });
    const four = circleLayout(['a', 'b', 'c', 'd'], 400, 300, 50);
    expect([...four.values()]).toEqual([
      { x: 200, y: 50 },
      { x: 300, y: 150 },
      { x: 200, y: 250 },
      { x: 100, y: 150 },
    ]);
  });
});
