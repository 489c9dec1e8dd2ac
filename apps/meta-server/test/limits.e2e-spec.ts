import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_TOPOLOGY_DEPTH, MAX_TOPOLOGY_TOKENS } from '@linker/topology';
import { startApp, type AppProcess } from '@linker/testing';

// What a topology document may cost the built meta-server (ADR 0013): a document built to be expensive is refused
// with 422 naming the limit, the process keeps serving, and anonymous validation has a time budget per address.
jest.setTimeout(60_000);

const RING = join(__dirname, '..', '..', '..', 'topologies', 'four-domain-ring.yaml');
const ADMIN = 'admin-token-of-the-limits-test-0123456789';
/** The abuse run's body: 200 KB of `domains:` and 100,000 nested lists. */
const NESTED = `domains: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
const keys = (count: number): string => `domains: [{name: d}]\n${Array.from({ length: count }, (_, i) => `k${i}: 1\n`).join('')}`;

interface Refusal {
  message: string;
  currentVersion?: string;
  problems: Array<{ path: string; severity: string; message: string; line?: number }>;
}

async function start(env: Record<string, string> = {}): Promise<{ app: AppProcess; url: string; directory: string }> {
  const directory = mkdtempSync(join(tmpdir(), 'meta-limits-e2e-'));
  const file = join(directory, 'topology.yaml');
  copyFileSync(RING, file);
  const app = startApp('meta-server', { LINKER_META_PORT: '0', LINKER_TOPOLOGY_FILE: file, LINKER_ADMIN_TOKEN: ADMIN, ...env });
  await app.waitForOutput(/"msg":"meta-server ready"/);
  const url = /"url":"([^"]+)"/.exec(app.output())?.[1];
  if (!url) throw new Error(`no url in the meta-server's output: ${app.output()}`);
  return { app, url, directory };
}

const validate = (url: string, body: string, headers: Record<string, string> = {}) => fetch(`${url}/topology/validate`, { method: 'POST', body, headers });
const versionOf = async (url: string): Promise<string> => JSON.parse((await fetch(`${url}/topology`)).headers.get('etag')!) as string;

describe('meta-server: documents built to be expensive', () => {
  let meta: { app: AppProcess; url: string; directory: string };

  beforeAll(async () => {
    meta = await start();
  });

  afterAll(async () => {
    expect(await meta.app.stop('SIGTERM')).toBe(0);
    rmSync(meta.directory, { recursive: true, force: true });
  });

  it('POST /topology/validate: 100,000 nested lists get 422 naming the depth limit, twice, and the process keeps serving', async () => {
    const version = await versionOf(meta.url);
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await validate(meta.url, NESTED);
      expect(response.status).toBe(422);
      const body = (await response.json()) as Refusal;
      expect(body.currentVersion).toBe(version);
      expect(body.problems).toEqual([{ path: '', severity: 'error', line: 1, message: expect.stringContaining(`nested more than ${MAX_TOPOLOGY_DEPTH} levels`) }]);
      const served = await fetch(`${meta.url}/topology`);
      expect(served.status).toBe(200);
    }
    expect(meta.app.child.exitCode).toBeNull();
    expect(meta.app.output()).not.toMatch(/out of memory|Maximum call stack/);
  });

  it('PUT /topology with the token: the same body gets 422 and the topology is unchanged', async () => {
    const version = await versionOf(meta.url);
    const response = await fetch(`${meta.url}/topology`, {
      method: 'PUT',
      body: NESTED,
      headers: { authorization: `Bearer ${ADMIN}`, 'if-match': `"${version}"`, 'content-type': 'application/yaml' },
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as Refusal).problems[0].message).toContain(`nested more than ${MAX_TOPOLOGY_DEPTH} levels`);
    expect(await versionOf(meta.url)).toBe(version);
    expect((await fetch(`${meta.url}/topology/history`).then((r) => r.json())) as unknown[]).toHaveLength(1);
  });

  it('60,000 top-level keys get 422 naming the token limit, within seconds', async () => {
    const started = Date.now();
    const response = await validate(meta.url, keys(60_000));
    expect(response.status).toBe(422);
    expect(((await response.json()) as Refusal).problems).toEqual([expect.objectContaining({ message: expect.stringContaining(`more than ${MAX_TOPOLOGY_TOKENS} YAML tokens`) })]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('meta-server: the validation time of an address without the admin token', () => {
  it('is limited: 429 with Retry-After once it is used up, while the admin token is still answered', async () => {
    // 1 ms per second (10 ms saved up): a few checks of a large document use it up.
    const meta = await start({ LINKER_META_VALIDATE_MS_PER_SECOND: '1' });
    try {
      const large = keys(6000); // under the limits: read and checked in full
      const statuses: number[] = [];
      let refused: Response | undefined;
      for (let i = 0; i < 20 && !refused; i++) {
        const response = await validate(meta.url, large);
        statuses.push(response.status);
        if (response.status === 429) refused = response;
        else await response.arrayBuffer();
      }
      expect(refused).toBeDefined();
      expect(statuses.slice(0, -1).every((status) => status === 200)).toBe(true);
      expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await refused!.json()) as Refusal).message).toContain('LINKER_META_VALIDATE_MS_PER_SECOND');
      const admin = await validate(meta.url, large, { authorization: `Bearer ${ADMIN}` });
      expect(admin.status).toBe(200);
      expect(((await admin.json()) as { valid: boolean }).valid).toBe(false);
    } finally {
      expect(await meta.app.stop('SIGTERM')).toBe(0);
      rmSync(meta.directory, { recursive: true, force: true });
    }
  });
});
