import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { LinkerClient } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import { CLI_BIN, REPO, startCli, startEmbeddedDomain, type EmbeddedDomain } from '@linker/testing';
import { formatProblems, JwtVerifier, type ClientApp, type Topology, type TopologyProblem } from '@linker/topology';

// `linker topology check` and `linker token`, run as the built bin (`npm run build` first), against the meta-server
// and the connector of an embedded domain.

const SECRET = 'cli-token-e2e-secret-of-at-least-32-characters';
const APP: ClientApp = { appName: 'ANZ', appId: 'app-id-343', jwtSecret: SECRET, channels: [{ pattern: 'team-*', subscribe: 'token' }] };
const topology: Topology = {
  domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:8089', 'ws://127.0.0.1:9089'] }],
  domainLinks: [],
  clientApps: [APP, { appName: 'OPEN', appId: 'app-id-open', authEnabled: false }],
};

/** A topology with errors of several kinds, and a warning. */
const INVALID = `domains:
  - name: domain-01
    urls: [ws://127.0.0.1:8089, ws://127.0.0.1:9089]
domainLinks:
  - n1: domain-01
    n2: domain-99
clientApps:
  - appName: ANZ
    appId: app-1
    jwtSecret: short
  - appName: ANZ
    appId: app-1
    colour: blue
`;

/** Runs the CLI to its end: exit code and output. */
async function linker(args: string[]): Promise<{ code: number | null; output: string }> {
  const cli = startCli(args);
  const code = await cli.exited;
  return { code, output: cli.output() };
}

describe('linker topology check and linker token', () => {
  jest.setTimeout(60_000);
  let work: string;
  let topologyFile: string;
  let domain: EmbeddedDomain | undefined;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'linker-cli-'));
    topologyFile = join(work, 'topology.yaml');
    await writeFile(topologyFile, stringify(topology));
    await writeFile(join(work, 'invalid.yaml'), INVALID);
    domain = await startEmbeddedDomain({ topology, domain: 'domain-01' });
  }, 60_000);

  afterAll(async () => {
    await domain?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('is a node script with its shebang, so npm can install it as the bin `linker`', async () => {
    const manifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(join(REPO, manifest.bin.linker)).toBe(CLI_BIN);
    expect((await readFile(CLI_BIN, 'utf8')).split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('topology check: a valid file exits 0 with what it holds', async () => {
    const { code, output } = await linker(['topology', 'check', topologyFile]);
    expect(output).toBe(`${topologyFile}: valid (1 domain, 0 links, 2 apps)\n`);
    expect(code).toBe(0);
    const shipped = await linker(['topology', 'check', join(REPO, 'topologies', 'four-domain-ring.yaml')]);
    expect(shipped.code).toBe(0);
  });

  it('topology check: an invalid file exits 1 with every problem the meta-server finds, by path and line', async () => {
    const { code, output } = await linker(['topology', 'check', join(work, 'invalid.yaml')]);
    expect(code).toBe(1);
    const answer = await fetch(`${domain?.metaServerUrl}/topology/validate`, { method: 'POST', body: INVALID });
    const { valid, problems } = (await answer.json()) as { valid: boolean; problems: TopologyProblem[] };
    expect(valid).toBe(false);
    const errorsFirst = [...problems.filter((p) => p.severity === 'error'), ...problems.filter((p) => p.severity === 'warning')];
    const errors = problems.filter((p) => p.severity === 'error').length;
    expect(output).toBe(`${formatProblems(errorsFirst)}\n${join(work, 'invalid.yaml')}: invalid (${errors} errors, 1 warning)\n`);
    expect(output).toMatch(/^error domainLinks\[0\]\.n2 \(line 6\): .*domain-99/m);
    expect(output).toMatch(/^error clientApps\[1\]\.appId \(line 12\): duplicate appId "app-1"/m);
    expect(output).toMatch(/^error clientApps\[1\]\.colour \(line 13\): unknown key/m);
    expect(output).toMatch(/^warning clientApps\[0\]\.jwtSecret \(line 10\): is shorter than 32 characters/m);
  });

  it('topology check: a missing file exits 1, a wrong call 64', async () => {
    const missing = await linker(['topology', 'check', join(work, 'nowhere.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/cannot read the topology file .*nowhere\.yaml/);
    expect((await linker(['topology', 'check'])).code).toBe(64);
  });

  it('token: signed with the secret given, it verifies as the server verifies it, for that user only', async () => {
    const { code, output } = await linker(['token', '--user', 'ANZ-7', '--secret', SECRET, '--ttl', '600']);
    expect(code).toBe(0);
    const token = output.trim();
    const verifier = new JwtVerifier();
    expect(await verifier.refusal(APP, token, 'ANZ-7', Date.now())).toBeUndefined();
    expect(await verifier.refusal(APP, token, 'ANZ-8', Date.now())).toMatch(/token refused/);
    expect(await verifier.refusal({ ...APP, jwtSecret: `${SECRET}-other` }, token, 'ANZ-7', Date.now())).toMatch(/token refused/);
    expect(await verifier.refusal(APP, token, 'ANZ-7', Date.now() + 601_000)).toMatch(/token refused/); // expired
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBe(600);
  });

  it("token: with the app's secret read from the topology file, a user logs in with it and subscribes with a channel token", async () => {
    const login = await linker(['token', '--user', 'ANZ-9', '--topology', topologyFile, '--app', 'ANZ']);
    const channel = await linker([
      'token',
      '--user',
      'ANZ-9',
      '--topology',
      topologyFile,
      '--app',
      'app-id-343',
      '--channel',
      'ANZ:team-1',
    ]);
    expect([login.code, channel.code]).toEqual([0, 0]);
    const client = new LinkerClient({
      url: domain?.connectorUrls[0] as string,
      appId: APP.appId,
      userId: 'ANZ-9',
      token: login.output.trim(),
      webSocket: NodeWebSocket,
      reconnect: false,
    });
    try {
      expect(await client.connect()).toMatchObject({ isAuthenticated: true });
      await client.subscribe('ANZ:team-1', channel.output.trim());
    } finally {
      await client.close();
    }
  });

  it("token --private-key: RS256 and ES256 tokens that verify with the app's jwtPublicKey", async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const algorithms: string[] = [];
    for (const [name, { privateKey, publicKey }] of [
      ['rsa', rsa],
      ['ec', ec],
    ] as Array<[string, { privateKey: KeyObject; publicKey: KeyObject }]>) {
      const file = join(work, `${name}.pem`);
      await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const { code, output } = await linker(['token', '--user', 'ANZ-7', '--private-key', file]);
      expect(code).toBe(0);
      const app: ClientApp = {
        appName: 'ANZ',
        appId: 'app-id-343',
        jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      };
      expect(await new JwtVerifier().refusal(app, output.trim(), 'ANZ-7', Date.now())).toBeUndefined();
      algorithms.push((JSON.parse(Buffer.from(output.split('.')[0], 'base64url').toString()) as { alg: string }).alg);
    }
    expect(algorithms).toEqual(['RS256', 'ES256']);
  });

  it('token: says why when the topology gives no secret, and exits 1', async () => {
    const open = await linker(['token', '--user', 'OPEN-1', '--topology', topologyFile, '--app', 'OPEN']);
    expect(open.code).toBe(1);
    expect(open.output).toMatch(/OPEN has no jwtSecret/);
    const stranger = await linker(['token', '--user', 'XYZ-1', '--topology', topologyFile, '--app', 'ANZ']);
    expect(stranger.output).toMatch(/XYZ-1 is not a user of ANZ/);
    expect((await linker(['token', '--user', 'ANZ-1'])).code).toBe(64);
  });
});
