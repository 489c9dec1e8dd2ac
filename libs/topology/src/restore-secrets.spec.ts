import { maskSecrets } from './mask-secrets';
import { restoreSecrets } from './restore-secrets';
import type { Topology } from './topology';

const SECRET = 'hs256-secret-that-must-never-leave-the-meta-server';
const API_KEY = 'server-api-key-that-must-never-leave-the-meta-server';
const CURRENT: Topology = {
  domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:8088'] }],
  domainLinks: [],
  clientApps: [
    { appName: 'HS', appId: 'hs', jwtSecret: SECRET, apiKey: API_KEY },
    {
      appName: 'HOOK',
      appId: 'hook',
      authUrl: 'https://svc:hunter2@auth.example.org/check?token=t0ken',
      authUrlSecret: 'an-auth-url-signing-secret-never-shown',
    },
  ],
};

describe('restoreSecrets (secrets are write-only)', () => {
  it('keeps the stored secrets where the edit leaves them masked as GET shows them', () => {
    const masked = maskSecrets(CURRENT);
    const edited = { ...masked, clientApps: masked.clientApps.map((a) => ({ ...a, masterUserId: `${a.appName}-1` })) };
    const restored = restoreSecrets(edited, CURRENT);
    expect(restored.problems).toEqual([]);
    expect(restored.kept).toEqual(['HS', 'HOOK']);
    expect(restored.topology.clientApps).toEqual(CURRENT.clientApps.map((a) => ({ ...a, masterUserId: `${a.appName}-1` })));
  });

  it('takes new secrets as given', () => {
    const edited: Topology = {
      ...CURRENT,
      clientApps: [
        { appName: 'HS', appId: 'hs', jwtSecret: 'n'.repeat(40), apiKey: 'r'.repeat(40) },
        { appName: 'HOOK', appId: 'hook', authUrl: 'https://a:b@x.org/' },
      ],
    };
    expect(restoreSecrets(edited, CURRENT)).toEqual({ topology: edited, kept: [], problems: [] });
  });

  it('refuses a masked value with nothing to restore, at its path', () => {
    const edited: Topology = {
      ...CURRENT,
      clientApps: [
        { appName: 'NEW', appId: 'new', jwtSecret: '***' },
        { appName: 'HOOK', appId: 'hook', authUrl: 'https://***@other.example.org/check', apiKey: '***' },
      ],
    };
    expect(restoreSecrets(edited, CURRENT).problems.map((p) => [p.path, p.severity])).toEqual([
      ['clientApps[0].jwtSecret', 'error'],
      ['clientApps[1].apiKey', 'error'],
      ['clientApps[1].authUrl', 'error'],
    ]);
  });

  describe('webhook', () => {
    const webhook = { url: 'https://u:p@backend.example.org/hook', secret: 'w'.repeat(40), includeContent: true };
    const current: Topology = { ...CURRENT, clientApps: [{ appName: 'WH', appId: 'wh', authEnabled: false, webhook }] };

    it('keeps the secret and the URL left masked, takes the other fields as given', () => {
      const masked = maskSecrets(current);
      const edited: Topology = {
        ...masked,
        clientApps: [{ ...masked.clientApps[0], webhook: { ...masked.clientApps[0].webhook!, includeContent: false } }],
      };
      const restored = restoreSecrets(edited, current);
      expect(restored.problems).toEqual([]);
      expect(restored.kept).toEqual(['WH']);
      expect(restored.topology.clientApps[0].webhook).toEqual({ ...webhook, includeContent: false });
    });

    it('refuses a masked secret or URL with nothing to restore, at its path', () => {
      const edited: Topology = {
        ...CURRENT,
        clientApps: [
          { appName: 'NEW', appId: 'new', authEnabled: false, webhook: { url: 'https://x.org/h', secret: '***' } },
          { appName: 'WH', appId: 'wh', authEnabled: false, webhook: { url: 'https://***@other.org/h', secret: 's'.repeat(40) } },
        ],
      };
      expect(restoreSecrets(edited, current).problems.map((p) => p.path)).toEqual([
        'clientApps[0].webhook.secret',
        'clientApps[1].webhook.url',
      ]);
    });
  });
});
