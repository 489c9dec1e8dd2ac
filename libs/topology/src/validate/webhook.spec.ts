import { validateTopology } from './validate-topology';

// An app's webhook (docs/protocol.md, Webhooks): what the validator accepts and refuses, each problem at its path.

const SECRET = 'a-webhook-signing-secret-of-32-characters-or-more';

function withWebhook(webhook: unknown): unknown {
  return {
    domains: [{ name: 'domain-01', urls: [] }],
    domainLinks: [],
    clientApps: [{ appName: 'ANZ', appId: 'anz', authEnabled: false, webhook }],
  };
}

function problemsOf(webhook: unknown): Array<[string, string]> {
  return validateTopology(withWebhook(webhook)).problems.map((p) => [p.path, p.message]);
}

describe('webhook settings', () => {
  it('reads a webhook with its optional fields', () => {
    const webhook = {
      url: 'https://backend.example.org/linker',
      secret: SECRET,
      events: ['message.stored', 'user.connected'],
      includeContent: true,
    };
    const { topology, problems } = validateTopology(withWebhook(webhook));
    expect(problems).toEqual([]);
    expect(topology?.clientApps[0].webhook).toEqual(webhook);
  });

  it('takes a masked secret (the meta-server restores it)', () => {
    expect(problemsOf({ url: 'http://127.0.0.1:9/hook', secret: '***' })).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    ['no url', { secret: SECRET }, 'clientApps[0].webhook.url', 'is required'],
    ['a url that is not http', { url: 'ftp://x.org/h', secret: SECRET }, 'clientApps[0].webhook.url', 'must be an http:// or https:// URL'],
    ['no secret', { url: 'https://x.org/h' }, 'clientApps[0].webhook.secret', 'is required'],
    ['a short secret', { url: 'https://x.org/h', secret: 'short' }, 'clientApps[0].webhook.secret', 'shorter than 32 characters'],
    [
      'an unknown event',
      { url: 'https://x.org/h', secret: SECRET, events: ['message.stored', 'message.read'] },
      'clientApps[0].webhook.events[1]',
      'must be one of message.stored',
    ],
    [
      'events that are not a list',
      { url: 'https://x.org/h', secret: SECRET, events: 'message.stored' },
      'clientApps[0].webhook.events',
      'must be a list',
    ],
    [
      'includeContent not a boolean',
      { url: 'https://x.org/h', secret: SECRET, includeContent: 'yes' },
      'clientApps[0].webhook.includeContent',
      'must be true or false',
    ],
    ['an unknown key', { url: 'https://x.org/h', secret: SECRET, secrets: 'x' }, 'clientApps[0].webhook.secrets', 'unknown key'],
    ['a webhook that is not a mapping', 'https://x.org/h', 'clientApps[0].webhook', 'must be a mapping'],
  ])('refuses %s', (_, webhook, path, message) => {
    const problems = problemsOf(webhook);
    expect(problems).toContainEqual([path, expect.stringContaining(message)]);
    expect(validateTopology(withWebhook(webhook)).topology).toBeUndefined();
  });

  it('reports every problem at once and never repeats the secret', () => {
    const problems = problemsOf({ url: 'mailto:x', secret: 'tiny-secret', events: ['nope'] });
    expect(problems.map(([path]) => path)).toEqual([
      'clientApps[0].webhook.url',
      'clientApps[0].webhook.secret',
      'clientApps[0].webhook.events[0]',
    ]);
    expect(JSON.stringify(problems)).not.toContain('tiny-secret');
  });
});
