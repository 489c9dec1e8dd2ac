import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkerClient, type IncomingMessage } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import type { OpsDeadLetters, OpsOverview } from '@linker/contracts';
import {
  apiCall,
  editTopology,
  freePort,
  startApp,
  startRealDomain,
  uniqueName,
  unlinkedDomains,
  waitFor,
  type AppProcess,
  type RealDomain,
} from '@linker/testing';
import { stringify } from 'yaml';
import { httpBaseOf } from '../../src/ui/ops-sources';

// The operations view's routes in real mode: a meta-server process serving the web UI (LINKER_UI_PORT) reads a real
// processor's ops endpoint (its /health, /metrics and dead-letter routes with the shared admin token) and a real
// connector's /health, on Kafka, NATS, Redis and FerretDB. The page itself is the browser test's (embedded mode).
jest.setTimeout(120_000);

const ADMIN = 'ops-real-admin-token';
const API_KEY = 'ops-real-e2e-api-key-0123456789abcdef0123';

describe('web UI operations routes, real mode', () => {
  let domain: RealDomain;
  let ui: AppProcess;
  let uiUrl: string;
  let directory: string;
  const clients: LinkerClient[] = [];
  const client = async (userId: string): Promise<LinkerClient> => {
    const made = new LinkerClient({
      url: domain.connectorUrls[0],
      appId: 'app-id-343',
      userId,
      webSocket: NodeWebSocket,
      reconnect: false,
    });
    clients.push(made);
    await made.connect();
    return made;
  };

  beforeAll(async () => {
    const name = uniqueName('ops');
    const metricsPort = String(await freePort());
    domain = await startRealDomain(
      { topology: unlinkedDomains(name, `${name}-b`, API_KEY), domain: name, adminToken: ADMIN },
      { processors: 1, connectors: 1, processorEnv: { LINKER_METRICS_PORT: metricsPort, LINKER_ADMIN_TOKEN: ADMIN } },
    );
    directory = await mkdtemp(join(tmpdir(), 'linker-ops-ui-'));
    await writeFile(join(directory, 'topology.yaml'), stringify(unlinkedDomains(name, `${name}-b`, API_KEY)));
    ui = startApp('meta-server', {
      LINKER_META_PORT: '0',
      LINKER_TOPOLOGY_FILE: join(directory, 'topology.yaml'),
      LINKER_ADMIN_TOKEN: ADMIN,
      LINKER_UI_PORT: '0',
      LINKER_UI_PROCESSOR_HEALTH_URLS: `http://127.0.0.1:${metricsPort}/health`,
      LINKER_UI_CONNECTOR_URLS: httpBaseOf(domain.connectorUrls[0]),
    });
    await ui.waitForOutput(/"msg":"web UI ready"/);
    const line =
      ui
        .output()
        .split('\n')
        .find((l) => l.includes('"msg":"web UI ready"')) ?? '';
    uiUrl = /"url":"([^"]+)"/.exec(line)?.[1] ?? '';
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await ui?.stop('SIGTERM');
    await domain?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('shows the connector’s sockets, per-lane counters and latency, and re-injects a dead letter that is then delivered', async () => {
    const a = await client('ANZ-1');
    const b = await client('ANZ-2');
    const got: IncomingMessage[] = [];
    b.on('message', (message) => void got.push(message));
    a.send('ANZ-2', 'hello');
    await waitFor('ANZ-2 to get the message', () => got.length === 1);
    const overview = await waitFor('the overview with two sockets and a delivery measured', async () => {
      const answer = (await (await fetch(`${uiUrl}/api/ops/overview`)).json()) as OpsOverview;
      const ready = answer.connectors[0]?.sockets === 2 && (answer.processors[0]?.latency?.RELIABLE?.count ?? 0) >= 1;
      return ready ? answer : undefined;
    });
    expect(overview.connectors[0]).toMatchObject({ name: 'connector-01', status: 'running', authenticated: 2 });
    expect(overview.processors[0]).toMatchObject({ name: 'processor-01', running: true });
    expect(overview.processors[0].processed?.RELIABLE).toBeGreaterThanOrEqual(1);

    const sent = await apiCall(domain.connectorUrls[0], 'POST', '/api/v1/messages', {
      key: API_KEY,
      json: { to: 'ANZ-1500', content: 'parked' },
    });
    expect(sent.status).toBe(202);
    const letters = await waitFor('the dead letter listed through the UI server', async () => {
      const answer = (await (await fetch(`${uiUrl}/api/ops/dead-letters`)).json()) as OpsDeadLetters;
      return answer.letters.length === 1 ? answer : undefined;
    });
    expect(letters).toMatchObject({
      problems: [],
      letters: [{ domain: domain.domain, processor: 'processor-01', to: 'ANZ-1500', reason: expect.stringContaining('unreachable') }],
    });

    await editTopology(domain.metaServerUrl, ADMIN, () => unlinkedDomains(domain.domain, `${domain.domain}-b`, API_KEY, 1999));
    const recipient = await waitFor('ANZ-1500 to be let in', () => client('ANZ-1500').catch(() => undefined), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    const parked: IncomingMessage[] = [];
    recipient.on('message', (message) => void parked.push(message));
    const reinjected = await fetch(`${uiUrl}/api/ops/domains/${domain.domain}/dead-letters/${letters.letters[0].id}/reinject`, {
      method: 'POST',
    });
    expect([reinjected.status, await reinjected.json()]).toEqual([200, { id: letters.letters[0].id, reinjected: true }]);
    expect((await waitFor('the re-injected message delivered', () => parked[0])).content).toBe('parked');
    const after = (await (await fetch(`${uiUrl}/api/ops/dead-letters`)).json()) as OpsDeadLetters;
    expect(after.letters).toEqual([]);
  });
});
