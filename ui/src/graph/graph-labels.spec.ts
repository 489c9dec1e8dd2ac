import type { RoutePreview } from '../api/meta';
import { domainClass, domainTitle, homesSentence, linkCounts, linkTitle, nodeLabel, pathSentence } from './graph-labels';
import { graphLinks } from './link-states';

describe('graph labels', () => {
  it("classes a domain's node as this UI's and on the path", () => {
    expect(domainClass(false, false)).toBe('domain');
    expect(domainClass(true, false)).toBe('domain own');
    expect(domainClass(true, true)).toBe('domain own on-path');
    expect(domainClass(false, true)).toBe('domain on-path');
  });

  it('titles a domain with its URLs, a dash for a URL it lacks', () => {
    expect(domainTitle('domain-01', true, { name: 'domain-01', urls: ['ws://a', 'ws://b'] })).toBe(
      'domain-01 (this UI’s domain)\nclients: ws://a\nlinks: ws://b',
    );
    expect(domainTitle('domain-02', false)).toBe('domain-02\nclients: —\nlinks: —');
  });

  it('cuts a name longer than 12 characters', () => {
    expect(nodeLabel('domain-01')).toBe('domain-01');
    expect(nodeLabel('twelve-chars')).toBe('twelve-chars');
    expect(nodeLabel('a-much-longer-name')).toBe('a-much-long…');
  });

  it('counts the links in each state and titles each with what its ends report', () => {
    const links = graphLinks(
      [
        { n1: 'a', n2: 'b' },
        { n1: 'b', n2: 'c' },
        { n1: 'c', n2: 'd' },
      ],
      [
        { from: 'a', to: 'b', up: true },
        { from: 'b', to: 'c', up: false },
      ],
    );
    expect(linkCounts(links)).toEqual({ up: 1, down: 1, unknown: 1 });
    expect(linkCounts([])).toEqual({ up: 0, down: 0, unknown: 0 });
    expect(linkTitle(links[1])).toBe('b – c: down\nb → c: down');
    expect(linkTitle(links[2])).toBe('c – d: unknown (no report here)\nno processor here reports this link');
  });
});

describe('path sentences', () => {
  it('says where both users live, whatever their home', () => {
    const preview: RoutePreview = {
      from: { userId: 'ANZ-1', home: { kind: 'domain', domain: 'domain-01' } },
      to: { userId: 'XYZ-1', home: { kind: 'unknown-app' } },
      path: [],
    };
    expect(homesSentence(preview)).toBe('ANZ-1 lives in domain-01; XYZ-1 in no domain (no such app).');
    expect(homesSentence({ ...preview, to: { userId: 'ANZ-x', home: { kind: 'invalid-user-id' } } })).toBe(
      'ANZ-1 lives in domain-01; ANZ-x in no domain (not a user id).',
    );
  });

  it('names the domains crossed and counts the hops', () => {
    expect(pathSentence(['domain-01'])).toBe('Delivered within domain-01 (no hop).');
    expect(pathSentence(['domain-01', 'domain-04'])).toBe('domain-01 → domain-04 (1 hop).');
    expect(pathSentence(['domain-01', 'domain-02', 'domain-03'])).toBe('domain-01 → domain-02 → domain-03 (2 hops).');
  });
});
