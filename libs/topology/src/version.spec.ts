import { canonicalJson, topologyVersion } from './version';
import type { Topology } from './topology';

const base: Topology = {
  domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:8089'] }],
  domainLinks: [],
  clientApps: [{ appName: 'ANZ', appId: 'app-id-343', authEnabled: false }],
};

describe('topologyVersion', () => {
  it('is 16 hex digits and the same for the same content, whatever the key order', () => {
    const reordered: Topology = {
      clientApps: [{ authEnabled: false, appId: 'app-id-343', appName: 'ANZ' }],
      domainLinks: [],
      domains: [{ urls: ['ws://127.0.0.1:8089'], name: 'domain-01' }],
    };
    expect(topologyVersion(base)).toMatch(/^[0-9a-f]{16}$/);
    expect(topologyVersion(reordered)).toBe(topologyVersion(base));
    expect(canonicalJson(reordered)).toBe(canonicalJson(base));
  });

  it('changes with any change of content', () => {
    const moved = { ...base, domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:8090'] }] };
    const renamed = { ...base, clientApps: [{ ...base.clientApps[0], appId: 'app-id-344' }] };
    expect(new Set([base, moved, renamed].map(topologyVersion)).size).toBe(3);
  });

  it('does not depend on secrets (it is public: it must not let anyone test guesses of one)', () => {
    const withSecret = (jwtSecret: string): Topology => ({ ...base, clientApps: [{ appName: 'ANZ', appId: 'app-id-343', jwtSecret }] });
    expect(topologyVersion(withSecret('first-secret-value-of-32-characters'))).toBe(
      topologyVersion(withSecret('second-secret-value-of-32-characters')),
    );
  });
});
