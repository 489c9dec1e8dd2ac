import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startApp, testServices, uniqueName, type AppProcess } from '@linker/testing';
import { dropDatabase } from '@linker/testing/domains/real-processes';

// Real mode's history (ADR 0010): the built meta-server (`npm run build`) with LINKER_META_MONGODB_URL keeps every
// version in MongoDB (FerretDB here), and a meta-server started later on the same database serves the newest one.
jest.setTimeout(60_000);

const RING = join(__dirname, '..', '..', '..', 'topologies', 'four-domain-ring.yaml');
const ADMIN = 'admin-token-of-this-test-0123456789';

interface Entry {
  version: string;
  author: string;
  time: string;
  kind: string;
}

describe('meta-server with its history in MongoDB', () => {
  const services = testServices();
  const database = uniqueName('meta-history');
  let directory: string;
  let file: string;
  let running: AppProcess | undefined;

  /** A meta-server on `file` with its history in this test's database. */
  async function start(): Promise<string> {
    running = startApp('meta-server', {
      LINKER_META_PORT: '0',
      LINKER_TOPOLOGY_FILE: file,
      LINKER_ADMIN_TOKEN: ADMIN,
      LINKER_META_MONGODB_URL: services.mongodbUrl,
      LINKER_META_MONGODB_DATABASE: database,
    });
    await running.waitForOutput(/"msg":"meta-server ready"/);
    const url = /"url":"([^"]+)"/.exec(running.output())?.[1];
    if (!url) throw new Error(`no url in the meta-server's output: ${running.output()}`);
    return url;
  }

  async function stop(): Promise<void> {
    expect(await running?.stop('SIGTERM')).toBe(0);
    running = undefined;
  }

  const current = async (url: string) => {
    const response = await fetch(`${url}/topology`);
    return { yaml: await response.text(), version: JSON.parse(response.headers.get('etag')!) as string };
  };
  const history = async (url: string) => (await (await fetch(`${url}/topology/history`)).json()) as Entry[];
  const headers = (version: string, author: string) => ({
    authorization: `Bearer ${ADMIN}`,
    'if-match': `"${version}"`,
    'x-linker-author': author,
  });

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'meta-history-e2e-'));
    file = join(directory, 'topology.yaml');
    writeFileSync(file, readFileSync(RING, 'utf8'));
  });

  afterAll(async () => {
    if (running) await running.stop('SIGTERM');
    rmSync(directory, { recursive: true, force: true });
    await dropDatabase(services, database);
  });

  it('keeps an edit across a restart: the new meta-server serves it and lists both versions; a rollback is kept too', async () => {
    const fileText = readFileSync(file, 'utf8');
    let url = await start();
    const loaded = await current(url);
    expect(await history(url)).toEqual([expect.objectContaining({ version: loaded.version, kind: 'loaded' })]);

    const doc = parse(loaded.yaml);
    doc.domainLinks = doc.domainLinks.filter((link: { n1: string; n2: string }) => !(link.n1 === 'domain-01' && link.n2 === 'domain-02'));
    const edit = await fetch(`${url}/topology`, { method: 'PUT', body: stringify(doc), headers: headers(loaded.version, 'alice') });
    expect(edit.status).toBe(200);
    const edited = ((await edit.json()) as { version: string }).version;
    expect(edited).not.toBe(loaded.version);
    await stop();
    // Nothing was written next to the file, nor to it: the history is in MongoDB.
    expect(readFileSync(file, 'utf8')).toBe(fileText);
    expect(existsSync(`${file}.history`)).toBe(false);

    url = await start();
    const restarted = await current(url);
    expect(restarted.version).toBe(edited);
    expect(parse(restarted.yaml).domainLinks).toHaveLength(doc.domainLinks.length);
    const listed = await history(url);
    expect(listed.map((e) => [e.version, e.kind, e.author])).toEqual([
      [edited, 'edit', 'alice'],
      [loaded.version, 'loaded', 'meta-server'],
    ]);
    for (const entry of listed) expect(Date.parse(entry.time)).not.toBeNaN();

    const rollback = await fetch(`${url}/topology/rollback/${loaded.version}`, { method: 'POST', headers: headers(edited, 'bob') });
    expect(rollback.status).toBe(200);
    expect(await rollback.json()).toMatchObject({ version: loaded.version, previousVersion: edited, changed: true, author: 'bob' });
    expect((await current(url)).version).toBe(loaded.version);
    await stop();

    url = await start();
    expect((await current(url)).version).toBe(loaded.version);
    expect((await history(url)).map((e) => [e.version, e.kind, e.author])).toEqual([
      [loaded.version, 'rollback', 'bob'],
      [edited, 'edit', 'alice'],
      [loaded.version, 'loaded', 'meta-server'],
    ]);
    await stop();
  });
});
