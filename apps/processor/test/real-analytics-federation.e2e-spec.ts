import type { AnalyticsReport } from '@linker/contracts';
import { apiCall, startRealFederation, waitFor, type RealFederation } from '@linker/testing';
import { RawSocket } from '@linker/testing/e2e/raw-socket';
import { seedLogin } from '@linker/testing/e2e/seed-readme';
import type { Topology } from '@linker/topology';

// docs/protocol.md, Analytics, across domains in real mode: two linked domains (one processor and one connector each,
// on Kafka, NATS, Redis and FerretDB) count into their own Redis keys, each processor reports its domain to the one
// meta-server every second, and `GET /analytics/ANZ` there is the sum. The apps run from dist/ (`npm run build` first).

const API_KEY = 'analytics-federation-anz-api-key-0123456789abcdef';
const TOPOLOGY: Topology = {
  domains: [
    { name: 'domain-01', urls: ['ws://127.0.0.1:8091', 'ws://127.0.0.1:9091'] },
    { name: 'domain-02', urls: ['ws://127.0.0.1:8092', 'ws://127.0.0.1:9092'] },
  ],
  domainLinks: [{ n1: 'domain-01', n2: 'domain-02' }],
  clientApps: [
    {
      appName: 'ANZ',
      appId: 'app-id-343',
      masterUserId: 'ANZ-123223',
      authEnabled: false,
      apiKey: API_KEY,
      userDistributions: [
        { domainName: 'domain-01', from: 0, to: 999_999 },
        { domainName: 'domain-02', from: 1_000_000 },
      ],
    },
  ],
};

describe('analytics summed over two real-mode domains by the meta-server', () => {
  jest.setTimeout(180_000);
  let federation: RealFederation;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    federation = await startRealFederation({
      topology: TOPOLOGY,
      extra: { connectorEnv: { LINKER_ANALYTICS_APP: 'ANZ' }, processorEnv: { LINKER_ANALYTICS_REPORT_MS: '1000' } },
    });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close().catch(() => undefined)));
    await federation?.close();
  }, 60_000);

  const post = async (name: string, query: string): Promise<void> => {
    const answer = await apiCall(federation.domain(name).connectorUrl, 'POST', `/analytics?${query}`, { key: API_KEY });
    if (answer.status !== 202) throw new Error(`event refused by ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  const login = async (name: string, userId: string): Promise<RawSocket> => {
    const socket = await RawSocket.open(federation.domain(name).connectorUrl, `${userId}@${name}`);
    sockets.push(socket);
    return seedLogin(socket, userId, 30_000);
  };
  const sum = async (): Promise<AnalyticsReport> =>
    (await apiCall(federation.metaServerUrl, 'GET', `/analytics/ANZ?from=${Date.now() - 3_600_000}`)).body as AnalyticsReport;
  const total = (report: AnalyticsReport, pick: (s: AnalyticsReport['slices'][number]) => number) =>
    report.slices.reduce((n, s) => n + pick(s), 0);

  it("adds the domains' counters, and their unique users (a name posted to both counts twice)", async () => {
    const now = Date.now();
    for (let i = 0; i < 10; i++) await post('domain-01', `timestamp=${now}&user=one-${i}&click`);
    for (let i = 0; i < 10; i++) await post('domain-02', `timestamp=${now}&user=two-${i}&impression`);
    for (const name of ['domain-01', 'domain-02']) await post(name, `timestamp=${now}&user=both&click`);
    const [a, b] = [await login('domain-01', 'ANZ-5'), await login('domain-02', 'ANZ-1000005')];
    a.send({ type: 'MESSAGE', data: { to: 'ANZ-1000005', content: 'across the link' } });
    await b.message('across the link', 30_000);

    const expected = { clicks: 12, impressions: 10, event_users: 22, connected_users: 2, reliable_message: 1, deliveries: 1 };
    const report = await waitFor(
      'the meta-server to sum both domains',
      async () => {
        const got = await sum();
        const totals = {
          clicks: total(got, (s) => s.counters.clicks),
          impressions: total(got, (s) => s.counters.impressions),
          event_users: total(got, (s) => s.uniques.event_users),
          connected_users: total(got, (s) => s.uniques.connected_users),
          reliable_message: total(got, (s) => s.counters.reliable_message),
          deliveries: total(got, (s) => s.counters.deliveries),
        };
        return JSON.stringify(totals) === JSON.stringify(expected) && got;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(report.domains).toEqual([federation.domain('domain-01').domain, federation.domain('domain-02').domain].sort());
  });
});
