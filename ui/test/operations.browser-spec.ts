import { LinkerClient, type IncomingMessage } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import type { AnalyticsReport } from '@linker/contracts';
import { apiCall, byTestId, editTopology, saveScreenshot, unlinkedDomains, waitFor } from '@linker/testing';
import { ADMIN_TOKEN, ANZ, uiSuite } from './testing/ui-domain';

// The operations view in Debian's Chromium against `npm start` (embedded mode): the connector with the sockets two SDK
// clients opened, a dead letter re-injected once its cause is fixed and then delivered, and the app's analytics chart.

const API_KEY = 'ops-browser-test-api-key-0123456789abcdef';
const PARKED = 'ANZ-1500';

describe('web UI: operations view', () => {
  const ui = uiSuite();
  const clients: LinkerClient[] = [];
  afterEach(async () => void (await Promise.all(clients.splice(0).map((client) => client.close()))));

  async function client(url: string, userId: string): Promise<LinkerClient> {
    const made = new LinkerClient({ url, appId: ANZ.appId, userId, webSocket: NodeWebSocket, reconnect: false });
    clients.push(made);
    await made.connect();
    return made;
  }

  it('shows the connector’s connections, re-injects a dead letter that is then delivered, and charts the analytics', async () => {
    const domain = await ui.start(unlinkedDomains('domain-01', 'domain-02', API_KEY), 'domain-01');
    const url = domain.connectorUrls[0];
    const sender = await client(url, 'ANZ-1');
    const receiver = await client(url, 'ANZ-2');
    const received: IncomingMessage[] = [];
    receiver.on('message', (message) => void received.push(message));
    // The server API's message (no socket to answer) to a user of the unlinked domain: dead-lettered as unreachable.
    const sent = await apiCall(url, 'POST', '/api/v1/messages', { key: API_KEY, json: { to: PARKED, content: 'parked, then delivered' } });
    expect(sent.status).toBe(202);
    // The analytics are written once a second: wait until the meta-server has the connections, so the chart has data.
    await waitFor('the analytics of ANZ to count the connected users', async () => {
      const report = (await (await fetch(`${domain.metaServerUrl}/analytics/ANZ`)).json()) as AnalyticsReport;
      return report.slices.some((slice) => slice.uniques.connected_users >= 2) || undefined;
    });

    const page = await ui.open(domain, 'operator', '#/ops');
    await byTestId(page, 'ops-connector', { sockets: '2', state: 'up' }).waitFor();
    expect(await byTestId(page, 'ops-connections').innerText()).toContain('2 open, 2 signed in');
    await byTestId(page, 'ops-processor', { state: 'up' }).waitFor();
    const letter = byTestId(page, 'ops-dead-letter');
    await letter.waitFor();
    expect(await letter.locator('[data-testid="ops-dead-letter-reason"]').innerText()).toMatch(/unreachable.*ANZ-1500/);
    await byTestId(page, 'ops-analytics-chart').waitFor();
    // Traffic while the page watches: the rate chart gets points and the p99 a value.
    for (let n = 0; n < 20; n++) sender.send('ANZ-2', `traffic ${n}`, { feature: n % 2 === 0 ? 'RELIABLE' : 'FAST' });
    await waitFor('ANZ-2 to get the 20 messages', () => received.length === 20);
    await page.waitForFunction(`Number(document.querySelector('[data-testid="ops-rate-chart"]')?.dataset.points) >= 3`);
    expect(await byTestId(page, 'ops-p99').innerText()).toMatch(/^[\d.]+ ms$/);
    await saveScreenshot(page, 'operations');

    // Fix the cause: ANZ-1500 now lives here. It connects, and the operator re-injects the letter.
    await editTopology(domain.metaServerUrl, ADMIN_TOKEN, () => unlinkedDomains('domain-01', 'domain-02', API_KEY, 1999));
    const recipient = await waitFor('ANZ-1500 to be let in by domain-01', () => client(url, PARKED).catch(() => undefined), {
      timeoutMs: 20_000,
      intervalMs: 250,
    });
    const parked: IncomingMessage[] = [];
    recipient.on('message', (message) => void parked.push(message));
    await byTestId(page, 'ops-reinject').click();
    await byTestId(page, 'ops-reinject-outcome', { ok: 'true' }).filter({ hasText: 'Re-injected' }).waitFor();
    const delivered = await waitFor('the re-injected message at ANZ-1500', () =>
      parked.find((m) => m.content === 'parked, then delivered'),
    );
    expect(delivered.from).toBe(ANZ.master);
    await byTestId(page, 'ops-no-dead-letters').waitFor();
    await byTestId(page, 'ops-connector', { sockets: '3' }).waitFor();

    // The user lookup, with the app's API key typed in: ANZ-1500 is online on the embedded connector; then kicked.
    await byTestId(page, 'ops-user').fill(PARKED);
    await byTestId(page, 'ops-api-key').fill(API_KEY);
    await byTestId(page, 'ops-lookup').click();
    const presence = byTestId(page, 'ops-presence', { online: 'true', sockets: '1' });
    expect(await presence.innerText()).toContain('connector-embedded');
    let closedWith: number | undefined;
    recipient.on('closed', ({ code }) => (closedWith = code));
    await byTestId(page, 'ops-disconnect').click();
    await byTestId(page, 'ops-lookup-outcome').filter({ hasText: 'being closed' }).waitFor();
    expect(await waitFor('ANZ-1500 closed by the operator', () => closedWith)).toBe(4003);
    await byTestId(page, 'ops-lookup').click();
    await byTestId(page, 'ops-presence', { online: 'false' }).waitFor();
  });
});
