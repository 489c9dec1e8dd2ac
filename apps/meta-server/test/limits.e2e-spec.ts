import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type AppProcess } from '@linker/testing';

// What a topology validation may cost the built meta-server (ADR 0013): anonymous validation has a time budget per
// address. Documents built to be expensive (nesting, keys, alias bombs, size) are abuse cases against the embedded
// mode, with a chatting pair (apps/embedded/test/abuse/meta-server.e2e-spec.ts).
jest.setTimeout(60_000);

const RING = join(__dirname, '..', '..', '..', 'topologies', 'four-domain-ring.yaml');
const ADMIN = 'admin-token-of-the-limits-test-0123456789';
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

const validate = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/topology/validate`, { method: 'POST', body, headers });

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
