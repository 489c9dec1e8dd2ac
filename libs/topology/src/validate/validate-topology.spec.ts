import { generateKeyPairSync } from 'node:crypto';
import { validateTopology } from './validate-topology';

// Every rule (docs/protocol.md, Validation), one case each: the problem's severity, path and a piece of its message.

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- documents are free-form on purpose

function valid(): Doc {
  return {
    domains: [
      { name: 'domain-01', urls: ['ws://127.0.0.1:8091', 'tcp://127.0.0.1:9091'] },
      { name: 'domain-02', urls: ['wss://example.org/ws'] },
      { name: 'domain-03', urls: [] },
    ],
    domainLinks: [
      { n1: 'domain-01', n2: 'domain-02' },
      { n1: 'domain-02', n2: 'domain-03', cost: 2.5 },
    ],
    clientApps: [
      {
        appName: 'ANZ',
        appId: 'app-id-343',
        masterUserId: 'ANZ-123223',
        authEnabled: false,
        userDistributions: [
          { domainName: 'domain-01', from: 0, to: 999 },
          { domainName: 'domain-02', from: 1000 },
        ],
      },
      { appName: 'BNZ_2', appId: 'bnz', authUrl: 'https://auth.example.org/check' },
    ],
  };
}

function problems(doc: unknown): Array<[string, string, string]> {
  return validateTopology(doc).problems.map((p) => [p.severity, p.path, p.message]);
}

/** Expect exactly one problem: at `path`, of `severity`, whose message contains `text`. */
function expectOne(doc: unknown, severity: 'error' | 'warning', path: string, text: string): void {
  const found = problems(doc);
  expect(found).toHaveLength(1);
  expect(found[0][0]).toBe(severity);
  expect(found[0][1]).toBe(path);
  expect(found[0][2]).toContain(text);
}

function edit(change: (doc: Doc) => void): Doc {
  const doc = valid();
  change(doc);
  return doc;
}

const pem = (type: 'rsa' | 'ec' | 'ed25519', part: 'publicKey' | 'privateKey' = 'publicKey'): string => {
  const options = type === 'ec' ? { namedCurve: 'prime256v1' } : type === 'rsa' ? { modulusLength: 2048 } : {};
  const pair = generateKeyPairSync(type as 'rsa', {
    ...(options as { modulusLength: number }),
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return pair[part];
};

describe('validateTopology', () => {
  it('accepts a valid topology and returns it normalized, with no problem', () => {
    const result = validateTopology(valid());
    expect(result.problems).toEqual([]);
    expect(result.topology).toEqual(valid());
  });

  it('defaults missing domainLinks and clientApps to empty lists', () => {
    const result = validateTopology({ domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:8089'] }] });
    expect(result.problems).toEqual([]);
    expect(result.topology).toEqual({ domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:8089'] }], domainLinks: [], clientApps: [] });
  });

  it('returns no topology when any problem is an error, and a topology when there are only warnings', () => {
    expect(validateTopology(edit((d) => (d.domains[0].name = 'x y'))).topology).toBeUndefined();
    const warned = validateTopology(edit((d) => (d.spring = { profiles: 'development' })));
    expect(warned.problems.map((p) => p.severity)).toEqual(['warning']);
    expect(warned.topology?.domains).toHaveLength(3);
  });

  describe('document', () => {
    it.each([
      ['nothing', null, 'the document is empty'],
      ['a list', [1], 'must be a mapping, got a list'],
      ['text', 'domains', 'must be a mapping, got the text'],
    ])('refuses %s', (_what, doc, text) => expectOne(doc, 'error', '', text));

    it('reports unknown root keys, suggesting the key meant', () => {
      expectOne(
        edit((d) => (d.domainlinks = [])),
        'error',
        'domainlinks',
        'did you mean "domainLinks"',
      );
      expectOne(
        edit((d) => (d.routes = [])),
        'error',
        'routes',
        'allowed here: domains, domainLinks, clientApps',
      );
    });

    it("ignores the original's Spring keys spring and server with a warning each", () => {
      const found = problems(edit((d) => Object.assign(d, { spring: { profiles: 'development' }, server: { port: 9000 } })));
      expect(found).toEqual([
        ['warning', 'spring', expect.stringContaining('ignored')],
        ['warning', 'server', expect.stringContaining('ignored')],
      ]);
    });
  });

  describe('domains', () => {
    it.each<[string, (d: Doc) => void, string, string]>([
      ['missing', (d) => delete d.domains, 'domains', 'is required'],
      ['not a list', (d) => (d.domains = { name: 'domain-01' }), 'domains', 'must be a list, got a mapping'],
      ['empty', (d) => ((d.domains = []), (d.domainLinks = []), (d.clientApps = [])), 'domains', 'at least one domain'],
      ['an item that is not a mapping', (d) => d.domains.push('domain-04'), 'domains[3]', 'must be a mapping'],
      ['a name missing', (d) => d.domains.push({ urls: [] }), 'domains[3].name', 'is required'],
      ['a name of the wrong type', (d) => d.domains.push({ name: 7 }), 'domains[3].name', 'must be text, got the number 7'],
      ['an empty name', (d) => d.domains.push({ name: ' ' }), 'domains[3].name', 'must not be empty'],
      ['a name with spaces', (d) => d.domains.push({ name: 'domain 04' }), 'domains[3].name', 'is not a valid domain name'],
      [
        'a duplicate name',
        (d) => d.domains.push({ name: 'domain-01' }),
        'domains[3].name',
        'duplicate domain name "domain-01" (also domains[0])',
      ],
      ['an unknown key', (d) => (d.domains[0].url = []), 'domains[0].url', 'did you mean "urls"'],
      ['urls that are not a list', (d) => (d.domains[0].urls = 'ws://127.0.0.1:1'), 'domains[0].urls', 'must be a list'],
      ['a url that is not text', (d) => (d.domains[0].urls = [8089]), 'domains[0].urls[0]', 'must be a URL, got the number 8089'],
      [
        'an http:// url',
        (d) => (d.domains[0].urls[1] = 'http://127.0.0.1:9091'),
        'domains[0].urls[1]',
        'not a ws://, wss:// or tcp:// URL',
      ],
      [
        'a url that is not a URL',
        (d) => (d.domains[1].urls = ['127.0.0.1:8089']),
        'domains[1].urls[0]',
        'not a ws://, wss:// or tcp:// URL',
      ],
      ['a tcp:// url without a port', (d) => (d.domains[0].urls[1] = 'tcp://127.0.0.1'), 'domains[0].urls[1]', 'needs a port'],
    ])('reports %s', (_what, change, path, text) => expectOne(edit(change), 'error', path, text));

    it('takes a domain without urls as having none', () => {
      const result = validateTopology(edit((d) => delete d.domains[2].urls));
      expect(result.problems).toEqual([]);
      expect(result.topology?.domains[2]).toEqual({ name: 'domain-03', urls: [] });
    });
  });

  describe('domainLinks', () => {
    it.each<[string, (d: Doc) => void, string, string]>([
      ['a link to an unknown domain', (d) => (d.domainLinks[0].n2 = 'domain-09'), 'domainLinks[0].n2', 'unknown domain "domain-09"'],
      ['a link missing an end', (d) => delete d.domainLinks[0].n1, 'domainLinks[0].n1', 'is required'],
      ['a domain linked to itself', (d) => d.domainLinks.push({ n1: 'domain-03', n2: 'domain-03' }), 'domainLinks[2]', 'to itself'],
      [
        'a duplicate link, reversed',
        (d) => d.domainLinks.push({ n1: 'domain-02', n2: 'domain-01' }),
        'domainLinks[2]',
        'duplicate of domainLinks[0]',
      ],
      ['a cost of 0', (d) => (d.domainLinks[0].cost = 0), 'domainLinks[0].cost', 'must be a positive number, got the number 0'],
      ['a negative cost', (d) => (d.domainLinks[0].cost = -1), 'domainLinks[0].cost', 'must be a positive number'],
      ['a cost given as text', (d) => (d.domainLinks[0].cost = '1'), 'domainLinks[0].cost', 'must be a positive number, got the text "1"'],
      ['an unknown key', (d) => (d.domainLinks[0].weight = 1), 'domainLinks[0].weight', 'allowed here: n1, n2, cost'],
      ['domainLinks that are not a list', (d) => (d.domainLinks = 'none'), 'domainLinks', 'must be a list'],
    ])('reports %s', (_what, change, path, text) => expectOne(edit(change), 'error', path, text));
  });

  describe('clientApps', () => {
    it.each<[string, (d: Doc) => void, string, string]>([
      ['a missing appName', (d) => delete d.clientApps[1].appName, 'clientApps[1].appName', 'is required'],
      [
        'an appName that cannot prefix user ids',
        (d) => (d.clientApps[1].appName = 'B-NZ'),
        'clientApps[1].appName',
        'cannot prefix user ids',
      ],
      ['an appName with a space', (d) => (d.clientApps[1].appName = 'B NZ'), 'clientApps[1].appName', 'cannot prefix user ids'],
      [
        'a duplicate appName',
        (d) => (d.clientApps[1].appName = 'ANZ'),
        'clientApps[1].appName',
        'duplicate app name "ANZ" (also clientApps[0])',
      ],
      ['a missing appId', (d) => delete d.clientApps[1].appId, 'clientApps[1].appId', 'is required'],
      ['a duplicate appId', (d) => (d.clientApps[1].appId = 'app-id-343'), 'clientApps[1].appId', 'duplicate appId "app-id-343"'],
      [
        'a master user of another app',
        (d) => (d.clientApps[0].masterUserId = 'BNZ_2-1'),
        'clientApps[0].masterUserId',
        'not a user of app ANZ',
      ],
      [
        'a master user that is not a user id',
        (d) => (d.clientApps[0].masterUserId = 'ANZ'),
        'clientApps[0].masterUserId',
        'must be ANZ-<number>',
      ],
      ['auth on with no method', (d) => (d.clientApps[0].authEnabled = true), 'clientApps[0].authEnabled', 'no method is set'],
      ['auth on by default with no method', (d) => delete d.clientApps[1].authUrl, 'clientApps[1].authEnabled', 'on by default'],
      [
        'authEnabled that is not a boolean',
        (d) => (d.clientApps[0].authEnabled = 'no'),
        'clientApps[0].authEnabled',
        'must be true or false',
      ],
      [
        'an authUrl that is not http(s)',
        (d) => (d.clientApps[1].authUrl = 'ftp://auth.example.org'),
        'clientApps[1].authUrl',
        'http:// or https://',
      ],
      [
        'a jwksUrl that is not http(s)',
        (d) => (d.clientApps[1].jwksUrl = 'file:///etc/keys.json'),
        'clientApps[1].jwksUrl',
        'http:// or https://',
      ],
      [
        'an authUrlSecret shorter than 32 characters',
        (d) => (d.clientApps[1].authUrlSecret = 'short'),
        'clientApps[1].authUrlSecret',
        'shorter than 32',
      ],
      ['an unknown key', (d) => (d.clientApps[0].authenabled = true), 'clientApps[0].authenabled', 'did you mean "authEnabled"'],
      ['an item that is not a mapping', (d) => d.clientApps.push(null), 'clientApps[2]', 'must be a mapping, got nothing'],
    ])('reports %s', (_what, change, path, text) => expectOne(edit(change), 'error', path, text));

    it('accepts each auth method alone: authUrl (signed or not), jwtSecret, jwtPublicKey (RSA or P-256), jwksUrl', () => {
      const secret = 'a-secret-of-at-least-thirty-two-characters';
      for (const method of [
        { authUrl: 'http://localhost:4200/auth' },
        { authUrl: 'http://localhost:4200/auth', authUrlSecret: secret },
        { authUrl: 'http://localhost:4200/auth', authUrlSecret: '***' },
        { jwksUrl: 'https://issuer.example.org/.well-known/jwks.json' },
        { jwtSecret: secret },
        { jwtPublicKey: pem('rsa') },
        { jwtPublicKey: pem('ec') },
      ]) {
        const doc = edit((d) => (d.clientApps[1] = { appName: 'CNZ', appId: 'cnz', authEnabled: true, ...method }));
        expect(problems(doc)).toEqual([]);
      }
    });

    it.each<[string, () => string, string]>([
      ['a private key', () => pem('rsa', 'privateKey'), 'is a private key'],
      ['an Ed25519 key', () => pem('ed25519'), 'got a ed25519 key'],
      ['text that is not a key', () => 'not a key', 'got not a PEM public key'],
    ])('refuses a jwtPublicKey that is %s', (_what, key, text) => {
      expectOne(
        edit((d) => (d.clientApps[1].jwtPublicKey = key())),
        'error',
        'clientApps[1].jwtPublicKey',
        text,
      );
    });

    it('warns about an authUrlSecret without an authUrl: nothing would be signed with it', () => {
      expectOne(
        edit((d) => (d.clientApps[0].authUrlSecret = 's'.repeat(32))),
        'warning',
        'clientApps[0].authUrlSecret',
        'no authUrl',
      );
    });

    it('warns about a jwtSecret shorter than 32 characters, but not about a masked one', () => {
      expectOne(
        edit((d) => (d.clientApps[1].jwtSecret = 'short')),
        'warning',
        'clientApps[1].jwtSecret',
        'shorter than 32',
      );
      expect(problems(edit((d) => (d.clientApps[1].jwtSecret = '***')))).toEqual([]);
    });

    it('refuses an apiKey shorter than 32 characters, or one that another app has, but not a masked one', () => {
      const key = 'k'.repeat(32);
      expect(problems(edit((d) => (d.clientApps[1].apiKey = key)))).toEqual([]);
      expect(problems(edit((d) => (d.clientApps[0].apiKey = d.clientApps[1].apiKey = '***')))).toEqual([]);
      expectOne(
        edit((d) => (d.clientApps[1].apiKey = 'short-key')),
        'error',
        'clientApps[1].apiKey',
        'shorter than 32',
      );
      expectOne(
        edit((d) => (d.clientApps[0].apiKey = d.clientApps[1].apiKey = key)),
        'error',
        'clientApps[1].apiKey',
        'apiKey of clientApps[0]',
      );
      expect(JSON.stringify(problems(edit((d) => (d.clientApps[1].apiKey = 'short-key'))))).not.toContain('short-key');
    });

    it('never repeats a secret in a message', () => {
      const found = problems(
        edit((d) => {
          d.clientApps[1].jwtSecret = 987654321;
          d.clientApps[1].authUrl = 'ftp://user:hunter2@auth.example.org';
        }),
      );
      expect(found.map(([, path]) => path)).toEqual(['clientApps[1].authUrl', 'clientApps[1].jwtSecret']);
      expect(JSON.stringify(found)).not.toMatch(/987654321|hunter2/);
    });
  });

  describe('userDistributions', () => {
    const at = (i: number, field = '') => `clientApps[0].userDistributions[${i}]${field}`;
    it.each<[string, (d: Doc) => void, string, string]>([
      [
        'an unknown domain',
        (d) => (d.clientApps[0].userDistributions[1].domainName = 'domain-06'),
        at(1, '.domainName'),
        'unknown domain "domain-06"',
      ],
      ['a missing domainName', (d) => delete d.clientApps[0].userDistributions[1].domainName, at(1, '.domainName'), 'is required'],
      ['from > to', (d) => (d.clientApps[0].userDistributions[0].from = 1000), at(0, '.to'), 'is less than from (999 < 1000)'],
      ['overlapping ranges', (d) => (d.clientApps[0].userDistributions[1].from = 999), at(1), 'overlaps userDistributions[0] (0–999)'],
      [
        'an unbounded range over a later one',
        (d) => d.clientApps[0].userDistributions.push({ domainName: 'domain-03', from: 5000, to: 6000 }),
        at(2),
        'overlaps userDistributions[1] (1000–∞)',
      ],
      [
        'a negative from',
        (d) => (d.clientApps[0].userDistributions[0].from = -1),
        at(0, '.from'),
        'whole number from 0 to 999999999999999',
      ],
      ['a fractional to', (d) => (d.clientApps[0].userDistributions[0].to = 9.5), at(0, '.to'), 'whole number'],
      ['a to past the largest user number', (d) => (d.clientApps[0].userDistributions[1].to = 1e16), at(1, '.to'), 'whole number'],
      ['an unknown key', (d) => (d.clientApps[0].userDistributions[0].until = 5), at(0, '.until'), 'allowed here: domainName, from, to'],
      [
        'distributions that are not a list',
        (d) => (d.clientApps[0].userDistributions = { domainName: 'domain-01' }),
        'clientApps[0].userDistributions',
        'must be a list',
      ],
    ])('reports %s', (_what, change, path, text) => expectOne(edit(change), 'error', path, text));

    it('allows the same range in two different apps', () => {
      const doc = edit((d) => (d.clientApps[1].userDistributions = [{ domainName: 'domain-01', from: 0, to: 999 }]));
      expect(problems(doc)).toEqual([]);
    });

    it('warns when users live in a domain that another domain cannot reach', () => {
      const doc = edit((d) => {
        d.domainLinks = [{ n1: 'domain-01', n2: 'domain-02' }];
        d.clientApps[1].userDistributions = [{ domainName: 'domain-03', from: 10 }];
      });
      expect(problems(doc)).toEqual([
        [
          'warning',
          'clientApps[0].userDistributions[0].domainName',
          expect.stringContaining('users 0–999 live in domain-01, which domain-03 cannot reach'),
        ],
        ['warning', 'clientApps[0].userDistributions[1].domainName', expect.stringContaining('which domain-03 cannot reach')],
        ['warning', 'clientApps[1].userDistributions[0].domainName', expect.stringContaining('which domain-01, domain-02 cannot reach')],
      ]);
    });

    it('does not warn about an unlinked domain nobody lives in, nor about apps without distributions', () => {
      const doc = edit((d) => {
        d.domainLinks = [{ n1: 'domain-01', n2: 'domain-02' }];
        delete d.clientApps[0].userDistributions;
      });
      expect(problems(doc)).toEqual([]);
    });
  });

  it('reports every problem of a document at once', () => {
    const doc = edit((d) => {
      d.domains[1].name = 'domain-01';
      d.domainLinks[0].cost = 0;
      d.clientApps[0].masterUserId = 'BNZ-1';
      d.clientApps[1].appId = 'app-id-343';
      d.clientApps[0].userDistributions[0].to = -5;
      d.extra = true;
    });
    expect(problems(doc).map(([severity, path]) => `${severity} ${path}`)).toEqual([
      'error extra',
      'error domains[1].name',
      'error domainLinks[0].n2',
      'error domainLinks[0].cost',
      'error domainLinks[1].n1',
      'error clientApps[0].masterUserId',
      'error clientApps[0].userDistributions[0].to',
      'error clientApps[0].userDistributions[1].domainName',
      'error clientApps[1].appId',
    ]);
  });
});
