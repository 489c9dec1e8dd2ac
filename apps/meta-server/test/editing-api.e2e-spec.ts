import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startApp, waitFor, type AppProcess } from '@linker/testing';
import { FIVE_PATHS, FIVE_PROBLEMS } from './testing/five-problems';

// The editing API (docs/protocol.md, Editing; ADR 0010) of the built meta-server (`npm run build`) as a real process, on a copy of the
// four-domain ring with two apps holding secrets.
jest.setTimeout(60_000);

const RING = join(__dirname, '..', '..', '..', 'topologies', 'four-domain-ring.yaml');
const ADMIN = 'admin-token-of-this-test-0123456789';
const SECRET = 'hs256-secret-that-must-never-leave-the-meta-server';
const AUTH_URL = 'https://svc:hunter2@auth.example.org/check?token=t0ken';

/** What the API answers, as far as these tests look into it. */
interface Answer {
  version: string;
  message: string;
  diff: { apps: { changed: unknown } };
  [field: string]: unknown;
}
const answer = async (response: Response): Promise<Answer> => (await response.json()) as Answer;

interface Problem {
  path: string;
  line?: number;
  severity: string;
  message: string;
}

async function start(file: string, env: Record<string, string> = {}): Promise<{ app: AppProcess; url: string }> {
  const app = startApp('meta-server', { LINKER_META_PORT: '0', LINKER_TOPOLOGY_FILE: file, ...env });
  await app.waitForOutput(/"msg":"meta-server ready"/);
  const url = /"url":"([^"]+)"/.exec(app.output())?.[1];
  if (!url) throw new Error(`no url in the meta-server's output: ${app.output()}`);
  return { app, url };
}

/** A copy of the ring with an HS256 app and an app whose authUrl holds credentials, in a fresh directory. */
function ringWithSecrets(directory: string): string {
  const ring = parse(readFileSync(RING, 'utf8'));
  ring.clientApps.push({ appName: 'HS', appId: 'hs', jwtSecret: SECRET }, { appName: 'HOOK', appId: 'hook', authUrl: AUTH_URL });
  const file = join(directory, 'topology.yaml');
  writeFileSync(file, stringify(ring));
  return file;
}

/** The current topology as GET /topology gives it (masked YAML) and its version. */
async function current(url: string): Promise<{ yaml: string; doc: ReturnType<typeof parse>; version: string }> {
  const response = await fetch(`${url}/topology`);
  const yaml = await response.text();
  return { yaml, doc: parse(yaml), version: JSON.parse(response.headers.get('etag')!) as string };
}

function put(url: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}/topology`, { method: 'PUT', body, headers: { 'content-type': 'application/yaml', ...headers } });
}

const admin = (version?: string, author?: string): Record<string, string> => ({
  authorization: `Bearer ${ADMIN}`,
  ...(version === undefined ? {} : { 'if-match': `"${version}"` }),
  ...(author === undefined ? {} : { 'x-linker-author': author }),
});

/** Reads the Server-Sent Events of `GET /topology/watch` as they come. */
async function watch(url: string): Promise<{ versions: () => string[]; text: () => string; close: () => void }> {
  const controller = new AbortController();
  const response = await fetch(`${url}/topology/watch`, { signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  let text = '';
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })();
  const versions = () =>
    [...text.matchAll(/event: version\ndata: (\{.*\})\n\n/g)].map((m) => (JSON.parse(m[1]) as { version: string }).version);
  return { versions, text: () => text, close: () => controller.abort() };
}

describe('meta-server editing API', () => {
  let directory: string;
  let file: string;
  let meta: { app: AppProcess; url: string };

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'meta-edit-e2e-'));
    file = ringWithSecrets(directory);
    meta = await start(file, { LINKER_ADMIN_TOKEN: ADMIN, LINKER_META_WATCH_HEARTBEAT_MS: '200' });
  });

  afterAll(async () => {
    expect(await meta.app.stop('SIGTERM')).toBe(0);
    rmSync(directory, { recursive: true, force: true });
  });

  it('validate: returns all 5 problems of a YAML with 5, each with its path and line', async () => {
    const response = await fetch(`${meta.url}/topology/validate`, { method: 'POST', body: FIVE_PROBLEMS });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { valid: boolean; problems: Problem[]; diff?: unknown };
    expect(body.valid).toBe(false);
    expect(body.diff).toBeUndefined();
    const errors = body.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => p.path).sort()).toEqual([...FIVE_PATHS].sort());
    for (const problem of errors) expect(problem.line).toBeGreaterThan(0);
  });

  it('validate: the diff of an edit (domains, links, apps, and the user ranges that move home)', async () => {
    const { doc, version } = await current(meta.url);
    doc.domains = doc.domains.filter((d: { name: string }) => d.name !== 'domain-03');
    doc.domains.push({ name: 'domain-05', urls: ['ws://127.0.0.1:8095', 'ws://127.0.0.1:9095'] });
    doc.domainLinks = [
      { n1: 'domain-01', n2: 'domain-02', cost: 5 },
      { n1: 'domain-01', n2: 'domain-04' },
      { n1: 'domain-04', n2: 'domain-05' },
    ];
    doc.clientApps[0].userDistributions = [
      { domainName: 'domain-01', from: 0, to: 999999 },
      { domainName: 'domain-02', from: 1000000, to: 1999999 },
      { domainName: 'domain-05', from: 2000000, to: 5999999 },
      { domainName: 'domain-04', from: 6000000 },
    ];
    doc.clientApps.push({ appName: 'NEW', appId: 'new', authEnabled: false });
    doc.clientApps = doc.clientApps.filter((a: { appName: string }) => a.appName !== 'HOOK');
    const response = await fetch(`${meta.url}/topology/validate`, { method: 'POST', body: stringify(doc) });
    const body = await answer(response);
    expect(body).toMatchObject({ valid: true, currentVersion: version, problems: [] });
    expect(body.version).toMatch(/^[0-9a-f]{16}$/);
    expect(body.version).not.toBe(version);
    expect(body.diff).toEqual({
      domains: { added: ['domain-05'], removed: ['domain-03'], changed: [] },
      links: {
        added: [{ n1: 'domain-04', n2: 'domain-05', cost: 1 }],
        removed: [
          { n1: 'domain-02', n2: 'domain-03', cost: 1 },
          { n1: 'domain-03', n2: 'domain-04', cost: 1 },
        ],
        changed: [{ n1: 'domain-01', n2: 'domain-02', costBefore: 1, costAfter: 5 }],
      },
      apps: { added: ['NEW'], removed: ['HOOK'], changed: [{ appName: 'ANZ', fields: ['userDistributions'] }] },
      movedUsers: [
        {
          appName: 'ANZ',
          from: 2000000,
          to: 2999999,
          before: { kind: 'domain', domain: 'domain-02' },
          after: { kind: 'domain', domain: 'domain-05' },
        },
        {
          appName: 'ANZ',
          from: 3000000,
          to: 5999999,
          before: { kind: 'domain', domain: 'domain-03' },
          after: { kind: 'domain', domain: 'domain-05' },
        },
      ],
    });
    expect((await current(meta.url)).version).toBe(version);
  });

  it('PUT: refuses a write without the token (401) or with a wrong one, and changes nothing', async () => {
    const { yaml, version } = await current(meta.url);
    const missing = await put(meta.url, yaml, { 'if-match': `"${version}"` });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await put(meta.url, yaml, { 'if-match': `"${version}"`, authorization: `Bearer ${ADMIN}x` });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain(ADMIN);
    expect((await current(meta.url)).version).toBe(version);
    expect(meta.app.output()).not.toContain(ADMIN);
  });

  it('PUT: a stale or missing If-Match is refused with 412 and the current version', async () => {
    const { yaml, version } = await current(meta.url);
    for (const headers of [
      admin('0000000000000000'),
      admin(),
      { ...admin(), 'if-match': '*' },
      { ...admin(), 'if-match': `W/"${version}"` },
    ]) {
      const response = await put(meta.url, yaml, headers);
      expect(response.status).toBe(412);
      expect(response.headers.get('etag')).toBe(`"${version}"`);
      expect(await response.json()).toMatchObject({ statusCode: 412, currentVersion: version });
    }
  });

  it('PUT: an invalid YAML is refused with 422 and all its problems', async () => {
    const { version } = await current(meta.url);
    const response = await put(meta.url, FIVE_PROBLEMS, admin(version));
    expect(response.status).toBe(422);
    const body = (await response.json()) as { message: string; problems: Problem[] };
    expect(body.message).toBe('the topology is invalid (5 errors)');
    expect(body.problems.map((p) => p.path).sort()).toEqual([...FIVE_PATHS].sort());
    expect((await current(meta.url)).version).toBe(version);
  });

  it('PUT: secrets are masked on GET and kept by a PUT that leaves them masked; watch delivers the new version', async () => {
    const before = await current(meta.url);
    expect(before.yaml).not.toMatch(/hs256-secret|hunter2|t0ken/);
    expect(before.doc.clientApps.find((a: { appName: string }) => a.appName === 'HS').jwtSecret).toBe('***');
    const events = await watch(meta.url);
    try {
      await waitFor('the first event (the current version)', () => events.versions()[0] === before.version, { timeoutMs: 5000 });
      before.doc.clientApps[0].masterUserId = 'ANZ-1';
      const response = await put(meta.url, stringify(before.doc), admin(before.version, 'alice'));
      expect(response.status).toBe(200);
      const body = await answer(response);
      expect(body).toMatchObject({ previousVersion: before.version, changed: true, author: 'alice' });
      expect(response.headers.get('etag')).toBe(`"${body.version}"`);
      expect(body.diff.apps.changed).toEqual([{ appName: 'ANZ', fields: ['masterUserId'] }]);
      const after = await current(meta.url);
      expect(after.version).toBe(body.version);
      expect(after.yaml).not.toMatch(/hs256-secret|hunter2|t0ken/);
      // The stored file keeps the secrets that were left masked.
      const saved = parse(readFileSync(file, 'utf8'));
      expect(saved.clientApps.find((a: { appName: string }) => a.appName === 'HS').jwtSecret).toBe(SECRET);
      expect(saved.clientApps.find((a: { appName: string }) => a.appName === 'HOOK').authUrl).toBe(AUTH_URL);
      expect(saved.clientApps[0].masterUserId).toBe('ANZ-1');
      await waitFor('the new version on watch', () => events.versions().includes(body.version), { timeoutMs: 5000 });
      expect(events.versions()).toEqual([before.version, body.version]);
      await waitFor('a heartbeat comment', () => events.text().includes(': heartbeat\n\n'), { timeoutMs: 5000 });
      expect(meta.app.output()).not.toMatch(/hs256-secret|hunter2|t0ken/);
    } finally {
      events.close();
    }
  });

  it('history lists every version newest first with author and time; rollback makes an old one current again', async () => {
    const history = async () =>
      (await (await fetch(`${meta.url}/topology/history`)).json()) as Array<{
        version: string;
        author: string;
        time: string;
        kind: string;
      }>;
    const listed = await history();
    expect(listed.map((e) => [e.kind, e.author])).toEqual([
      ['edit', 'alice'],
      ['loaded', 'meta-server'],
    ]);
    for (const entry of listed) expect(Date.parse(entry.time)).not.toBeNaN();
    const [edited, loaded] = listed;
    expect((await current(meta.url)).version).toBe(edited.version);
    expect(readdirSync(`${file}.history`).sort()).toEqual(['index.jsonl', `${edited.version}.yaml`, `${loaded.version}.yaml`].sort());

    const unauthorized = await fetch(`${meta.url}/topology/rollback/${loaded.version}`, { method: 'POST' });
    expect(unauthorized.status).toBe(401);
    const stale = await fetch(`${meta.url}/topology/rollback/${loaded.version}`, { method: 'POST', headers: admin('0000000000000000') });
    expect(stale.status).toBe(412);
    const unknown = await fetch(`${meta.url}/topology/rollback/0123456789abcdef`, { method: 'POST', headers: admin() });
    expect(unknown.status).toBe(404);

    const rolledBack = await fetch(`${meta.url}/topology/rollback/${loaded.version}`, { method: 'POST', headers: admin(undefined, 'bob') });
    expect(rolledBack.status).toBe(200);
    expect(await rolledBack.json()).toMatchObject({
      version: loaded.version,
      previousVersion: edited.version,
      changed: true,
      author: 'bob',
    });
    expect((await current(meta.url)).version).toBe(loaded.version);
    expect((await history()).map((e) => [e.version, e.kind, e.author])).toEqual([
      [loaded.version, 'rollback', 'bob'],
      [edited.version, 'edit', 'alice'],
      [loaded.version, 'loaded', 'meta-server'],
    ]);
    // The secrets of the rolled-back version are back in the file too.
    expect(parse(readFileSync(file, 'utf8')).clientApps.find((a: { appName: string }) => a.appName === 'HS').jwtSecret).toBe(SECRET);
  });

  it('refuses an oversized body with 413 and an alias bomb with 422', async () => {
    const { version } = await current(meta.url);
    const big = `# ${'x'.repeat(1024 * 1024)}\n`;
    for (const [method, path, headers] of [
      ['POST', '/topology/validate', {}],
      ['PUT', '/topology', admin(version)],
    ] as const) {
      const response = await fetch(`${meta.url}${path}`, { method, body: big, headers });
      expect(response.status).toBe(413);
      expect((await answer(response)).message).toContain('1 MiB');
    }
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 40 }, (_, i) => `b${i}: &b${i} [*${i === 0 ? 'a' : `b${i - 1}`}, *${i === 0 ? 'a' : `b${i - 1}`}]`),
    ].join('\n');
    const refused = await put(meta.url, bomb, admin(version));
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { problems: Problem[] }).problems[0].message).toMatch(/aliases/);
    expect((await current(meta.url)).version).toBe(version);
  });

  it('serves the OpenAPI document at /docs', async () => {
    const ui = await fetch(`${meta.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const document = (await (await fetch(`${meta.url}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/topology', '/topology/validate', '/topology/history', '/topology/rollback/{version}', '/topology/watch']),
    );
    expect(Object.keys(document.paths['/topology'])).toEqual(expect.arrayContaining(['get', 'put']));
  });
});

describe('meta-server with no admin token', () => {
  it('refuses every write with 403 and says why, and still validates', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'meta-edit-e2e-'));
    const meta = await start(ringWithSecrets(directory));
    try {
      const { yaml, version } = await current(meta.url);
      for (const response of [
        await put(meta.url, yaml, admin(version)),
        await fetch(`${meta.url}/topology/rollback/${version}`, { method: 'POST', headers: admin() }),
      ]) {
        expect(response.status).toBe(403);
        expect((await answer(response)).message).toContain('LINKER_ADMIN_TOKEN');
      }
      const validated = await fetch(`${meta.url}/topology/validate`, { method: 'POST', body: yaml });
      expect(await validated.json()).toMatchObject({ valid: true, version, problems: [] });
      expect(existsSync(join(directory, 'topology.yaml.history'))).toBe(false);
    } finally {
      expect(await meta.app.stop('SIGTERM')).toBe(0);
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('a secret-only edit keeps the public version but is announced on watch and served by the internal read', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'meta-edit-e2e-'));
    const internal = 'internal-token-of-this-test-0123456789';
    const meta = await start(ringWithSecrets(directory), { LINKER_ADMIN_TOKEN: ADMIN, LINKER_INTERNAL_TOKEN: internal });
    const readInternal = (etag?: string) =>
      fetch(`${meta.url}/internal/topology`, {
        headers: { authorization: `Bearer ${internal}`, ...(etag ? { 'if-none-match': etag } : {}) },
      });
    const events = await watch(meta.url);
    try {
      const before = await current(meta.url);
      const internalTag = (await readInternal()).headers.get('etag')!;
      await waitFor('the first event', () => events.versions().length === 1, { timeoutMs: 5000 });
      const rotated = 'a-new-hs256-secret-after-rotation';
      before.doc.clientApps.find((a: { appName: string }) => a.appName === 'HS').jwtSecret = rotated;
      const response = await put(meta.url, stringify(before.doc), admin(before.version));
      expect(response.status).toBe(200);
      expect(await answer(response)).toMatchObject({ version: before.version, previousVersion: before.version, changed: true });
      // The public version is a hash of the masked copy: unchanged, so a public follower gets 304 …
      expect((await fetch(`${meta.url}/topology`, { headers: { 'if-none-match': `"${before.version}"` } })).status).toBe(304);
      // … while watch announces the change and the internal read serves the new secret under a new ETag.
      await waitFor('a second event', () => events.versions().length === 2, { timeoutMs: 5000 });
      expect(events.versions()).toEqual([before.version, before.version]);
      const internals = [...events.text().matchAll(/"internalVersion":"([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(internals).size).toBe(2);
      const fresh = await readInternal(internalTag);
      expect(fresh.status).toBe(200);
      expect(fresh.headers.get('etag')).toBe(`"${internals[1]}"`);
      const apps = ((await fresh.json()) as { clientApps: Array<{ appName: string; jwtSecret?: string }> }).clientApps;
      expect(apps.find((a) => a.appName === 'HS')?.jwtSecret).toBe(rotated);
      expect(meta.app.output()).not.toContain(rotated);
    } finally {
      events.close();
      expect(await meta.app.stop('SIGTERM')).toBe(0);
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('ends the watch streams on SIGTERM and exits 0', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'meta-edit-e2e-'));
    const meta = await start(ringWithSecrets(directory));
    try {
      const events = await watch(meta.url);
      await waitFor('the first event', () => events.versions().length === 1, { timeoutMs: 5000 });
      expect(await meta.app.stop('SIGTERM')).toBe(0);
      expect(meta.app.output()).toContain('meta-server: stopped');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
