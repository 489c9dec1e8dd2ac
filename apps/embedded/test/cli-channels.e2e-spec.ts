import { startCli, startEmbeddedDomain, type Cli, type EmbeddedDomain } from '@linker/testing';
import type { Topology } from '@linker/topology';

// The CLI's channel commands and its server API calls against the built embedded entry (`npm run build` first).

const API_KEY = 'cli-e2e-api-key-of-at-least-32-characters';
const topology: Topology = {
  domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:0'] }],
  domainLinks: [],
  clientApps: [
    {
      appName: 'ANZ',
      appId: 'app-id-343',
      authEnabled: false,
      apiKey: API_KEY,
      channels: [{ pattern: 'team-*', subscribe: 'public', publish: 'clients', history: { size: 100, ttlSeconds: 300 } }],
    },
  ],
};

describe('linker-cli: channels and the server API (embedded mode)', () => {
  jest.setTimeout(60_000);
  let domain: EmbeddedDomain | undefined;
  const started: Cli[] = [];

  beforeAll(async () => {
    domain = await startEmbeddedDomain({ topology, domain: 'domain-01' });
  }, 60_000);

  afterAll(async () => {
    for (const cli of started) if (cli.child.exitCode === null) cli.child.kill();
    await domain?.close();
  });

  const cli = (args: string[]): Cli => {
    const process = startCli(args);
    started.push(process);
    return process;
  };
  const httpUrl = (): string => (domain?.connectorUrls[0] as string).replace(/^ws/, 'http').replace(/\/ws$/, '');

  it('subscribes with /sub, prints publications from the server API (`api`) and from /pub, with their offsets', async () => {
    const chat = cli(['--url', domain?.connectorUrls[0] as string, '--user', 'ANZ-1']);
    await chat.waitForOutput(/connected to .* as ANZ-1/);
    chat.type('/sub ANZ:team-1');
    await chat.waitForOutput(/# {2}subscribed to ANZ:team-1 {2}\(epoch \S+, offset 0\)/);

    const call = cli([
      'api',
      '--api-key',
      API_KEY,
      '--url',
      httpUrl(),
      'POST',
      '/api/v1/channels/ANZ:team-1/publications',
      '{"data":{"x":1}}',
    ]);
    expect(await call.exited).toBe(0);
    expect(call.output()).toMatch(/^HTTP 202 \{"id":"[^"]+","subscribers":1\}\n$/);
    await chat.waitForOutput(/# {2}ANZ:team-1: \{"x":1\} {2}\(offset 1\)/);

    chat.type('/pub ANZ:team-1 hello team');
    await chat.waitForOutput(/# {2}ANZ:team-1 <- ANZ-1: "hello team" {2}\(offset 2\)/);
    chat.type('/quit');
    expect(await chat.exited).toBe(0);
  });

  it('`channels subscribe` prints publications as JSON lines, `channels publish` exits once accepted, `channels info` counts', async () => {
    const listener = cli([
      'channels',
      'subscribe',
      'ANZ:team-2',
      '--user',
      'ANZ-3',
      '--count',
      '2',
      '--url',
      domain?.connectorUrls[0] as string,
    ]);
    let stdout = ''; // the publications alone: what the session says besides goes to stderr
    listener.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await listener.waitForOutput(/# {2}subscribed to ANZ:team-2/);
    const info = cli(['channels', 'info', 'ANZ:team-2', '--api-key', API_KEY, '--url', httpUrl()]);
    expect(await info.exited).toBe(0);
    expect(info.output()).toBe('HTTP 200 {"channel":"ANZ:team-2","subscribers":1}\n');

    const url = domain?.connectorUrls[0] as string;
    const first = cli(['channels', 'publish', 'ANZ:team-2', '{"x":1}', '--user', 'ANZ-4', '--url', url]);
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/-> #ANZ:team-2: \{"x":1\} {2}\(ref \S+, accepted\)/);
    const second = cli(['channels', 'publish', 'ANZ:team-2', 'plain text', '--user', 'ANZ-4', '--url', url, '--fast']);
    expect(await second.exited).toBe(0);

    expect(await listener.exited).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { channel: 'ANZ:team-2', data: { x: 1 }, from: 'ANZ-4', offset: 1 },
      { channel: 'ANZ:team-2', data: 'plain text', from: 'ANZ-4' }, // FAST: never kept in the history, no offset
    ]);
  });

  it('`channels` refuses a publication the rules forbid (exit 1) and a wrong call (64)', async () => {
    const url = domain?.connectorUrls[0] as string;
    const unknown = cli(['channels', 'publish', 'ANZ:elsewhere-1', '1', '--user', 'ANZ-4', '--url', url]);
    expect(await unknown.exited).toBe(1);
    expect(unknown.output()).toMatch(/refused by the server: UNKNOWN_CHANNEL/);
    const wrong = cli(['channels', 'listen', 'ANZ:team-2']);
    expect(await wrong.exited).toBe(64);
    expect(wrong.output()).toMatch(/give subscribe, publish or info after channels, not listen/);
  });

  it('`api` exits 1 with the refusal printed, and 64 without a key', async () => {
    const wrong = cli(['api', '--api-key', 'x'.repeat(40), '--url', httpUrl(), 'GET', '/api/v1/channels/ANZ:team-1']);
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toMatch(/^HTTP 401 \{"code":"UNAUTHENTICATED"/);
    const keyless = cli(['api', 'GET', '/api/v1/channels/ANZ:team-1']);
    expect(await keyless.exited).toBe(64);
    expect(keyless.output()).toContain('--api-key is required');
  });
});
