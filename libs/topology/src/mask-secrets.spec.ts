import { dropMaskedSecrets, MASKED_SECRET, maskSecrets, maskUrl } from './mask-secrets';
import type { Topology } from './topology';

const PUBLIC_KEY = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';

function topology(): Topology {
  return {
    domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:8089'] }],
    domainLinks: [],
    clientApps: [
      { appName: 'HS', appId: 'hs', jwtSecret: 'a-very-secret-secret-of-32-chars!!', userDistributions: [{ domainName: 'domain-01' }] },
      { appName: 'RS', appId: 'rs', jwtPublicKey: PUBLIC_KEY, apiKey: 'an-api-key-of-at-least-32-characters' },
      {
        appName: 'HOOK',
        appId: 'hook',
        authUrl: 'https://svc:hunter2@auth.example.org/check?apiKey=k123&region=eu',
        authUrlSecret: 'an-auth-url-signing-secret-of-32-chars',
      },
      { appName: 'OPEN', appId: 'open', authEnabled: false, authUrl: 'http://localhost:4200/auth' },
    ],
  };
}

describe('maskSecrets', () => {
  it('masks jwtSecret, apiKey, authUrlSecret and the credentials of authUrl, keeps jwtPublicKey and everything else', () => {
    const masked = maskSecrets(topology());
    expect(masked.clientApps).toEqual([
      { appName: 'HS', appId: 'hs', jwtSecret: MASKED_SECRET, userDistributions: [{ domainName: 'domain-01' }] },
      { appName: 'RS', appId: 'rs', jwtPublicKey: PUBLIC_KEY, apiKey: MASKED_SECRET },
      { appName: 'HOOK', appId: 'hook', authUrl: 'https://***@auth.example.org/check?apiKey=***&region=eu', authUrlSecret: MASKED_SECRET },
      { appName: 'OPEN', appId: 'open', authEnabled: false, authUrl: 'http://localhost:4200/auth' },
    ]);
    expect(masked.domains).toEqual(topology().domains);
    expect(JSON.stringify(masked)).not.toMatch(/very-secret|an-api-key|hunter2|k123|svc|signing-secret/);
  });

  it('leaves the original untouched and shares no object with it', () => {
    const original = topology();
    const masked = maskSecrets(original);
    expect(original).toEqual(topology());
    expect(masked.clientApps[0].userDistributions).not.toBe(original.clientApps[0].userDistributions);
    expect(masked.domains[0].urls).not.toBe(original.domains[0].urls);
  });

  it.each([
    ['http://localhost:4200/auth', 'http://localhost:4200/auth'],
    ['http://user@host/auth', 'http://***@host/auth'],
    ['http://:pw@host/auth', 'http://***@host/auth'],
    ['https://host/auth?token=abc&token=def', 'https://host/auth?token=***'],
    ['https://host/auth?Signature=abc', 'https://host/auth?Signature=***'],
    ['not a url with a password in it', MASKED_SECRET],
  ])('maskUrl(%s) = %s', (value, expected) => {
    expect(maskUrl(value)).toBe(expected);
  });
});

describe('dropMaskedSecrets', () => {
  it('removes a masked jwtSecret and apiKey, so nobody can verify tokens signed with "***" nor call the API with it', () => {
    const { topology: usable, apps, apiKeyApps, authUrlSecretApps } = dropMaskedSecrets(maskSecrets(topology()));
    expect(apps).toEqual(['HS']);
    expect(apiKeyApps).toEqual(['RS']);
    expect(authUrlSecretApps).toEqual(['HOOK']);
    expect(usable.clientApps[2].authUrlSecret).toBeUndefined();
    expect(usable.clientApps[0]).toEqual({ appName: 'HS', appId: 'hs', userDistributions: [{ domainName: 'domain-01' }] });
    expect(usable.clientApps[1]).toEqual({ appName: 'RS', appId: 'rs', jwtPublicKey: PUBLIC_KEY });
  });

  it('returns a topology with real secrets as it is', () => {
    const original = topology();
    expect(dropMaskedSecrets(original)).toEqual({ topology: original, apps: [], authUrlSecretApps: [], apiKeyApps: [], webhookApps: [] });
  });
});

describe('webhook secrets', () => {
  const webhook = { url: 'https://hook:pw@backend.example.org/events?sig=s1&x=1', secret: 'w'.repeat(40), events: ['message.stored'] };
  const withWebhook = (): Topology => ({ ...topology(), clientApps: [{ appName: 'WH', appId: 'wh', authEnabled: false, webhook }] });

  it('masks the secret and the credentials of the URL, keeps the rest', () => {
    const masked = maskSecrets(withWebhook());
    expect(masked.clientApps[0].webhook).toEqual({
      url: 'https://***@backend.example.org/events?sig=***&x=1',
      secret: MASKED_SECRET,
      events: ['message.stored'],
    });
    expect(JSON.stringify(masked)).not.toMatch(/www|pw@|s1/);
    expect(masked.clientApps[0].webhook?.events).not.toBe(webhook.events);
  });

  it('drops a webhook whose secret is masked: nothing is signed with "***"', () => {
    const { topology: usable, webhookApps } = dropMaskedSecrets(maskSecrets(withWebhook()));
    expect(webhookApps).toEqual(['WH']);
    expect(usable.clientApps[0].webhook).toBeUndefined();
    expect(dropMaskedSecrets(withWebhook()).topology.clientApps[0].webhook).toEqual(webhook);
  });
});
