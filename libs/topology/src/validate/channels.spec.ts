import { TopologyView } from '../topology-view';
import type { Topology } from '../topology';
import { validateTopology } from './validate-topology';

// Channel rules (docs/protocol.md, Channels): what the validator accepts and refuses, and which rule applies to a name.

function withChannels(channels: unknown): unknown {
  return {
    domains: [{ name: 'domain-01', urls: [] }],
    domainLinks: [],
    clientApps: [{ appName: 'ANZ', appId: 'anz', authEnabled: false, channels }],
  };
}

function problemsOf(channels: unknown): Array<[string, string, string]> {
  return validateTopology(withChannels(channels)).problems.map((p) => [p.severity, p.path, p.message]);
}

describe('channel rules', () => {
  it('reads ordered rules with their defaults left unset', () => {
    const rules = [
      { pattern: 'team-*', subscribe: 'token', publish: 'clients', history: { size: 100, ttlSeconds: 300 } },
      { pattern: 'news', subscribe: 'public' },
    ];
    const { topology, problems } = validateTopology(withChannels(rules));
    expect(problems).toEqual([]);
    expect(topology?.clientApps[0].channels).toEqual(rules);
  });

  it.each<[string, unknown, string, string]>([
    ['a pattern with a character no channel name has', [{ pattern: 'team/1' }], 'clientApps[0].channels[0].pattern', 'may hold only'],
    ['no pattern', [{ subscribe: 'public' }], 'clientApps[0].channels[0].pattern', 'is required'],
    ['an unknown subscribe mode', [{ pattern: 'a', subscribe: 'open' }], 'clientApps[0].channels[0].subscribe', 'must be public or token'],
    ['an unknown publish mode', [{ pattern: 'a', publish: 'anyone' }], 'clientApps[0].channels[0].publish', 'must be server or clients'],
    ['a history without ttlSeconds', [{ pattern: 'a', history: { size: 10 } }], 'clientApps[0].channels[0].history', 'needs both'],
    [
      'a history too long',
      [{ pattern: 'a', history: { size: 10_001, ttlSeconds: 1 } }],
      'clientApps[0].channels[0].history.size',
      'from 1 to 10000',
    ],
    ['an unknown key', [{ pattern: 'a', public: true }], 'clientApps[0].channels[0].public', 'unknown key'],
    ['channels that are not a list', { pattern: 'a' }, 'clientApps[0].channels', 'must be a list'],
  ])('refuses %s', (_case, channels, path, text) => {
    const found = problemsOf(channels);
    expect(found).toEqual([['error', path, expect.stringContaining(text)]]);
  });

  it('warns about a rule that an earlier one with the same pattern hides', () => {
    expect(problemsOf([{ pattern: 'a' }, { pattern: 'a', subscribe: 'public' }])).toEqual([
      ['warning', 'clientApps[0].channels[1].pattern', expect.stringContaining('never applies')],
    ]);
  });

  it('applies the first rule whose pattern matches the whole name; `*` is any run, `.` is itself', () => {
    const rules = [{ pattern: 'team-*.pos', subscribe: 'public' as const }, { pattern: 'team-*' }, { pattern: 'news' }];
    const topology: Topology = { domains: [], domainLinks: [], clientApps: [{ appName: 'ANZ', appId: 'anz', channels: rules }] };
    const view = new TopologyView(topology);
    expect(view.channelRule('ANZ', 'team-1.pos')).toBe(rules[0]);
    expect(view.channelRule('ANZ', 'team-1xpos')).toBe(rules[1]);
    expect(view.channelRule('ANZ', 'team-')).toBe(rules[1]);
    expect(view.channelRule('ANZ', 'news')).toBe(rules[2]);
    expect(view.channelRule('ANZ', 'news-2')).toBeUndefined();
    expect(view.channelRule('BNZ', 'news')).toBeUndefined();
  });
});
