import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runBounded, startEmbeddedDomain, type BoundedRun, type EmbeddedDomain } from '@linker/testing';
import { jwt } from '@linker/testing/e2e/auth-behaviour';
import type { Topology } from '@linker/topology';

// The SDK as its users get it: `npm pack` in libs/client-sdk (which builds it), the tarball installed into a
// project of its own in a temporary folder (npm fetches `ws` from the registry, or its cache), and plain `node`
// scripts there (`require`, `import`, and the browser script in a context with no `require`) in which two users log
// in with JWTs and one sends the other a message, against the built embedded mode (`npm run build` first).

const SECRET = 'sdk-package-e2e-secret-of-at-least-32-characters';
const APP = { appName: 'ANZ', appId: 'app-id-343' };
const SDK = join(REPO, 'libs', 'client-sdk');
const topology: Topology = {
  domains: [{ name: 'domain-01', urls: ['ws://127.0.0.1:0'] }],
  domainLinks: [],
  clientApps: [{ ...APP, jwtSecret: SECRET }],
};

/** The three ways to load the SDK; each script then runs `CHAT` with `sdk` and `webSocket` defined. */
const LOADERS = {
  'chat.cjs': `const sdk = require('@linker-ts/client');
const { NodeWebSocket: webSocket } = require('@linker-ts/client/node');`,
  'chat.mjs': `import * as sdk from '@linker-ts/client';
import { NodeWebSocket as webSocket } from '@linker-ts/client/node';`,
  // The browser script runs where only browser globals exist: its `WebSocket` is ws's (the WHATWG shape).
  'browser.cjs': `const { readFileSync } = require('node:fs');
const vm = require('node:vm');
const globals = { WebSocket: require('ws'), setTimeout, clearTimeout, setInterval, clearInterval, TextEncoder, crypto };
const context = vm.createContext(globals);
vm.runInContext(readFileSync(require.resolve('@linker-ts/client/browser'), 'utf8'), context);
const sdk = context.Linker;
const webSocket = undefined;`,
} as const;

/** Alice sends Bob a message; prints what Bob got and whether Alice had the confirmation, as one JSON line. */
const CHAT = `
const [url, alice, aliceToken, bob, bobToken, tag] = process.argv.slice(2);
const deadline = setTimeout(() => { console.error('no message within 20 s'); process.exit(1); }, 20000);
const options = (userId, token) => ({ url, appId: '${APP.appId}', userId, token, reconnect: false, ...(webSocket ? { webSocket } : {}) });
(async () => {
  const sender = new sdk.LinkerClient(options(alice, aliceToken));
  const recipient = new sdk.LinkerClient(options(bob, bobToken));
  const received = new Promise((resolve) => recipient.on('message', resolve));
  const confirmed = new Promise((resolve) => sender.on('confirmation', resolve));
  const logins = [await sender.connect(), await recipient.connect()];
  const reference = sender.send(bob, 'hello from ' + tag);
  const [message, confirmation] = await Promise.all([received, confirmed]);
  await Promise.all([sender.close(), recipient.close()]);
  clearTimeout(deadline);
  const authenticated = logins.map((login) => login.isAuthenticated);
  console.log(JSON.stringify({ authenticated, from: message.from, content: message.content, confirmed: confirmation.reference === reference }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

/** Compiled by TypeScript against the installed package alone (no `skipLibCheck`), as an ES module and as CommonJS. */
const TYPED = `import { LinkerClient, LinkerClientError, verifyWebhook, type ClientEvents, type LinkerClientOptions } from '@linker-ts/client';
import { NodeWebSocket } from '@linker-ts/client/node';
const options: LinkerClientOptions = { url: 'ws://127.0.0.1:8089/ws', appId: 'app-id-343', userId: 'ANZ-1', webSocket: NodeWebSocket };
const client = new LinkerClient(options);
client.on('message', (message: ClientEvents['message']) => void message.from.toUpperCase());
const reference: string = client.send('ANZ-2', 'hello', { feature: 'FAST' });
const refused: boolean = new LinkerClientError('AUTH_REFUSED', 'no').retriable;
export const used = [reference, refused, verifyWebhook];
`;

describe('the SDK package, installed from its tarball into a project of its own', () => {
  jest.setTimeout(300_000);
  let work: string;
  let project: string;
  let tarball: string;
  let domain: EmbeddedDomain | undefined;

  const run = async (what: string, command: string, args: string[], cwd: string, deadlineMs: number): Promise<BoundedRun> => {
    const result = await runBounded(command, args, { cwd, deadlineMs });
    if (result.exit !== 0)
      throw new Error(`${what} failed (${result.timedOut ? 'deadline' : `exit ${result.exit}`}): ${result.output.slice(-3000)}`);
    return result;
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'linker-sdk-package-'));
    project = join(work, 'project');
    // `npm pack` builds the package first (its prepack script runs `npm run build:sdk` at the root).
    await run('npm pack', 'npm', ['pack', '--silent', '--pack-destination', work], SDK, 240_000);
    tarball = join(work, (await readdir(work)).find((name) => name.endsWith('.tgz')) as string);
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'sdk-scratch', private: true }));
    await run('npm install', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project, 180_000);
    domain = await startEmbeddedDomain({ topology, domain: 'domain-01' });
  }, 300_000);

  afterAll(async () => {
    await domain?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('holds the builds, the types, the README and the package.json, nothing else', async () => {
    const { output } = await run('tar', 'tar', ['-tzf', tarball], work, 10_000);
    const files = output
      .trim()
      .split('\n')
      .map((path) => path.replace(/^package\//, ''));
    expect(files.filter((path) => !/^(dist\/|README\.md$|package\.json$)/.test(path))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/esm/index.mjs',
        'dist/esm/node.mjs',
        'dist/cjs/index.cjs',
        'dist/cjs/node.cjs',
        'dist/browser/linker-client.min.js',
        'dist/types/index.d.ts',
        'dist/types/node/index.d.ts',
      ]),
    );
    expect(files.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
    const installed = join(project, 'node_modules', '@linker-ts', 'client');
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { dependencies: object };
    expect(manifest.dependencies).toEqual({ ws: expect.any(String) });
  });

  it('imports nothing of the monorepo: no @linker/ module, no path into the repository', async () => {
    const installed = join(project, 'node_modules', '@linker-ts', 'client');
    const offenders: string[] = [];
    for (const file of await readdir(join(installed, 'dist'), { recursive: true })) {
      if (!/\.(mjs|cjs|js|d\.ts)$/.test(file)) continue;
      const text = await readFile(join(installed, 'dist', file), 'utf8');
      const imports = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((match) => match[1]);
      for (const specifier of imports) if (!/^(\.{1,2}\/|ws$)/.test(specifier)) offenders.push(`${file}: ${specifier}`);
      if (text.includes(REPO)) offenders.push(`${file}: the repository's path`);
    }
    expect(offenders).toEqual([]);
  });

  it.each([
    ['NodeNext, as an ES module and as CommonJS', { module: 'nodenext', moduleResolution: 'nodenext' }, ['typed.mts', 'typed.cts']],
    ['Bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['typed.ts']],
    ['Node10 (no package exports)', { module: 'commonjs', moduleResolution: 'node10' }, ['typed.ts']],
  ])('type-checks a TypeScript user of the package, module resolution %s', async (_, resolution, files) => {
    for (const file of files) await writeFile(join(project, file), TYPED);
    const compilerOptions = { strict: true, noEmit: true, target: 'es2022', types: [], ...resolution };
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
    await run('tsc', process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project, 60_000);
  });

  const loaders = Object.keys(LOADERS).map((name, index) => [name as keyof typeof LOADERS, index] as const);
  it.each(loaders)('%s: two users log in, one sends, the other receives', async (name, index) => {
    await writeFile(join(project, name), `${LOADERS[name]}\n${CHAT}`);
    const [alice, bob] = [`ANZ-${1000 + index}`, `ANZ-${2000 + index}`];
    const args = [name, domain?.connectorUrls[0] as string, alice, await jwt(alice, 300, SECRET), bob, await jwt(bob, 300, SECRET), name];
    const { output } = await run(`node ${name}`, process.execPath, args, project, 60_000);
    const result = JSON.parse(output.trim().split('\n').pop() as string) as unknown;
    expect(result).toEqual({ authenticated: [true, true], from: alice, content: `hello from ${name}`, confirmed: true });
  });
});
