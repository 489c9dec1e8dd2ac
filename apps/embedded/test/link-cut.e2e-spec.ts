import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { AppProcess } from '@linker/testing';
import type { RawSocket } from '@linker/testing/e2e/raw-socket';
import { LinkProxy, waitFor } from '@linker/testing';
import { EmbeddedRuns } from './testing/embedded-runs';

// Federation: the four-domain ring as four embedded processes, with domain-02's link endpoint behind a TCP proxy the test
// controls. Cutting the proxy cuts the links into domain-02 (01 → 02 among them) while a steady RELIABLE stream runs
// from domain-01 to domain-03: nothing may be lost or duplicated, and the stream must take the way through domain-04.

const RING = join(__dirname, '../../../topologies/four-domain-ring.yaml');
const ENV = { LINKER_LINK_SECRET: 'ring-secret-for-tests' };
const CLIENTS = /^\s*clients:\s+(ws:\/\/\S+\/ws)\s*$/m;
const META = /^\s*meta-server:\s+(http:\/\/\S+)/m;
/**
 * Link endpoints of this test's copy of the ring (9291..9294, not the file's 9091..9094, so it never meets another
 * test's ring); domain-02 really listens on 9392, and its endpoint in the topology (9292) is the proxy.
 */
const LINK_PORT = (n: number): number => 9290 + n;
const DOMAIN_02_LINK_PORT = 9392;

describe('a link cut under a steady RELIABLE stream (embedded ring)', () => {
  jest.setTimeout(90_000);
  const runs = new EmbeddedRuns();
  const clients = new Map<string, string>();
  const proxy = new LinkProxy(LINK_PORT(2), DOMAIN_02_LINK_PORT);

  beforeAll(async () => {
    await runs.prepare();
    const topologyFile = join(runs.directory, 'ring.yaml');
    const ring = parse(readFileSync(RING, 'utf8')) as { domains: Array<{ name: string; urls: string[] }> };
    ring.domains.forEach((domain, i) => (domain.urls = [domain.urls[0], `ws://127.0.0.1:${LINK_PORT(i + 1)}`]));
    writeFileSync(topologyFile, stringify(ring));
    await proxy.open();
    const start = async (args: string[]): Promise<AppProcess> => runs.run(args, ENV);
    const data = (domain: string): string => join(runs.directory, domain);
    const leader = await start([
      '--topology',
      topologyFile,
      '--domain',
      'domain-01',
      '--ws-port',
      '0',
      '--meta-port',
      '0',
      '--no-ui',
      '--data-dir',
      data('domain-01'),
    ]);
    await leader.waitForOutput(META, 30_000);
    const metaServer = META.exec(leader.output())?.[1] as string;
    const apps = new Map<string, AppProcess>([['domain-01', leader]]);
    for (const domain of ['domain-02', 'domain-03', 'domain-04']) {
      const extra = domain === 'domain-02' ? ['--link-port', String(DOMAIN_02_LINK_PORT)] : [];
      apps.set(
        domain,
        await start(['--meta-server', metaServer, '--domain', domain, '--ws-port', '0', '--data-dir', data(domain), ...extra]),
      );
    }
    for (const [domain, app] of apps) {
      await app.waitForOutput(CLIENTS, 30_000);
      clients.set(domain, CLIENTS.exec(app.output())?.[1] as string);
    }
  });

  afterAll(async () => {
    await proxy.cut();
    await runs.cleanUp();
  });

  const login = (domain: string, userId: string): Promise<RawSocket> => runs.login(clients.get(domain) as string, userId);

  it('loses and duplicates nothing, and the stream flows again (through domain-04) within 2 s', async () => {
    const sender = await login('domain-01', 'ANZ-723456');
    const recipient = await login('domain-03', 'ANZ-3723456');
    const sentAt: number[] = [];
    const send = (): void => {
      sender.send(JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-3723456', content: `seq:${sentAt.length}` } }));
      sentAt.push(Date.now());
    };
    const received = (): number[] => recipient.all('MESSAGE').map((m) => Number((m.data as { content: string }).content.slice(4)));
    const arrivedAt = new Map<number, number>();
    const tick = async (until: () => boolean): Promise<void> => {
      while (!until()) {
        send();
        for (const n of received()) if (!arrivedAt.has(n)) arrivedAt.set(n, Date.now());
        await new Promise((resolve) => setTimeout(resolve, 20)); // the stream's pace, 50 msg/s
      }
    };
    await tick(() => received().length >= 50);
    const cutAt = Date.now();
    await proxy.cut();
    await tick(() => Date.now() - cutAt > 4_000);
    const total = sentAt.length;
    await waitFor(
      `all ${total} messages to arrive`,
      () => {
        for (const n of received()) if (!arrivedAt.has(n)) arrivedAt.set(n, Date.now());
        return new Set(received()).size >= total;
      },
      { timeoutMs: 30_000 },
    );

    expect(received()).toHaveLength(total); // none twice
    expect([...new Set(received())].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i)); // none lost
    // Sent 2 s or more after the cut, a message no longer waits for the dead link.
    const late = sentAt.map((at, n) => ({ n, at })).filter(({ at }) => at >= cutAt + 2_000);
    const slowest = Math.max(...late.map(({ n, at }) => (arrivedAt.get(n) as number) - at));
    expect(late.length).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(1_000);
  });
});
