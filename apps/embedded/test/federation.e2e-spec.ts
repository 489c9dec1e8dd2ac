import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { apiCall, waitFor, type AppProcess } from '@linker/testing';
import { expectForgedLinkRefused } from '@linker/testing/e2e/forged-link';
import type { RawSocket } from '@linker/testing/e2e/raw-socket';
import { EmbeddedRuns } from './testing/embedded-runs';

// Federation: the original's four-domain ring (topologies/four-domain-ring.yaml) as four embedded processes on one machine,
// linked over WebSockets on the link endpoints the topology gives (9091..9094). domain-01 serves the meta-server; the
// others follow it with --meta-server. ANZ-123456 lives in domain-01, ANZ-3123456 in domain-03 (two hops away).

const RING = join(__dirname, '../../../topologies/four-domain-ring.yaml');
const ENV = { LINKER_LINK_SECRET: 'ring-secret-for-tests' };
/** What this test adds to ANZ of the ring's file: a server API key and public channels its users publish to. */
const API_KEY = 'ring-e2e-anz-api-key-0123456789abcdefgh';
const CHANNELS = [{ pattern: 'chat-*', subscribe: 'public', publish: 'clients' }];
const CLIENTS = /^\s*clients:\s+(ws:\/\/\S+\/ws)\s*$/m;
const META = /^\s*meta-server:\s+(http:\/\/\S+)/m;
const METRICS = /^\s*metrics:\s+(http:\/\/\S+)/m;

/** Wait for `app`'s line matching `pattern` and return its first group. */
async function printed(app: AppProcess, pattern: RegExp): Promise<string> {
  await app.waitForOutput(pattern, 30_000);
  return pattern.exec(app.output())?.[1] as string;
}

describe('a federation of embedded domains (the four-domain ring)', () => {
  jest.setTimeout(90_000);
  const runs = new EmbeddedRuns();
  const clients = new Map<string, string>();
  const apps = new Map<string, AppProcess>();
  let metaServer = '';
  let metricsUrl = '';
  const data = (domain: string): string => join(runs.directory, domain);
  /** A follower domain, on the data directory it always uses. */
  const follow = async (domain: string): Promise<AppProcess> => {
    const app = runs.run(['--meta-server', metaServer, '--domain', domain, '--ws-port', '0', '--data-dir', data(domain)], ENV);
    apps.set(domain, app);
    clients.set(domain, await printed(app, CLIENTS));
    return app;
  };

  beforeAll(async () => {
    await runs.prepare();
    const ring = parse(await readFile(RING, 'utf8')) as { clientApps: Array<Record<string, unknown>> };
    for (const app of ring.clientApps) if (app.appName === 'ANZ') Object.assign(app, { apiKey: API_KEY, channels: CHANNELS });
    const topology = join(runs.directory, 'ring.yaml');
    await writeFile(topology, stringify(ring));
    const leader = runs.run(
      [
        '--topology',
        topology,
        '--domain',
        'domain-01',
        '--ws-port',
        '0',
        '--meta-port',
        '0',
        '--metrics-port',
        '0',
        '--no-ui',
        '--data-dir',
        data('domain-01'),
      ],
      ENV,
    );
    metaServer = await printed(leader, META);
    metricsUrl = await printed(leader, METRICS);
    clients.set('domain-01', await printed(leader, CLIENTS));
    for (const domain of ['domain-02', 'domain-03', 'domain-04']) await follow(domain);
  });

  afterAll(() => runs.cleanUp());

  const login = (domain: string, userId: string): Promise<RawSocket> => runs.login(clients.get(domain) as string, userId);

  it('ANZ-123456 (domain-01) and ANZ-3123456 (domain-03) exchange messages and confirmations both ways', async () => {
    const [one, three] = [await login('domain-01', 'ANZ-123456'), await login('domain-03', 'ANZ-3123456')];
    one.send(JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-3123456', content: 'hello from 01' }, reference: 'ref-1' }));
    expect(await three.next('MESSAGE', undefined, 30_000)).toEqual({
      type: 'MESSAGE',
      data: { from: 'ANZ-123456', content: 'hello from 01' },
      reference: 'ref-1',
      id: expect.any(String),
    });
    // The confirmation carries the path the message took: two hops, by 02 or (if a link was still coming up) 04.
    expect(await one.next('MESSAGE_CONFIRMATION', undefined, 30_000)).toEqual({
      type: 'MESSAGE_CONFIRMATION',
      data: { reference: 'ref-1', path: ['domain-01', expect.stringMatching(/^domain-0[24]$/), 'domain-03'] },
    });

    three.send(JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-123456', content: 'hello from 03' }, reference: 'ref-3' }));
    expect(await one.next('MESSAGE', undefined, 30_000)).toEqual({
      type: 'MESSAGE',
      data: { from: 'ANZ-3123456', content: 'hello from 03' },
      reference: 'ref-3',
      id: expect.any(String),
    });
    expect(await three.next('MESSAGE_CONFIRMATION', undefined, 30_000)).toEqual({
      type: 'MESSAGE_CONFIRMATION',
      data: { reference: 'ref-3', path: ['domain-03', expect.stringMatching(/^domain-0[24]$/), 'domain-01'] },
    });
  });

  it('delivers a message to a user of another domain who logs in after it was sent (live or by fetch), and confirms it', async () => {
    const four = await login('domain-04', 'ANZ-6123456');
    four.send(JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-1123456', content: 'for later' }, reference: 'ref-4' }));
    // domain-02's user logs in and fetches: the message is delivered live if it arrived after the login, else it
    // waited in domain-02's mailbox and comes with a fetch. Either way it earns the sender a confirmation.
    const two = await login('domain-02', 'ANZ-1123456');
    // Fetch again until it is there: the two hops may take a while on a loaded machine (a deadline, not a count).
    let fetches = 0;
    const fetched = await waitFor(
      'the message, live or fetched',
      async () => {
        two.send(JSON.stringify({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 10 } }));
        await two.count('FETCH_MISSING_MESSAGES_COMPLETE', ++fetches, undefined, 10_000);
        return two.all('MESSAGE').find((m) => (m.data as { content?: string }).content === 'for later');
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(fetched).toEqual({
      type: 'MESSAGE',
      data: { from: 'ANZ-6123456', content: 'for later' },
      reference: 'ref-4',
      id: expect.any(String),
    });
    expect(await four.next('MESSAGE_CONFIRMATION', undefined, 30_000)).toEqual({
      type: 'MESSAGE_CONFIRMATION',
      data: { reference: 'ref-4', path: ['domain-04', expect.stringMatching(/^domain-0[13]$/), 'domain-02'] },
    });
  });

  it('delivers a group message to users in all four domains once each', async () => {
    const members = [
      ['domain-01', 'ANZ-223456'],
      ['domain-02', 'ANZ-1223456'],
      ['domain-03', 'ANZ-3223456'],
      ['domain-04', 'ANZ-6223456'],
    ];
    const sockets = await Promise.all(members.map(([domain, user]) => login(domain, user)));
    const sender = await login('domain-01', 'ANZ-323456');
    sender.send(
      JSON.stringify({
        type: 'GROUP_MESSAGE',
        data: { to: members.map(([, user]) => user), content: 'to every domain' },
        reference: 'grp',
      }),
    );
    const received = await Promise.all(
      sockets.map((socket) => socket.next('MESSAGE', (f) => f.data.content === 'to every domain', 30_000)),
    );
    expect(new Set(received.map((m) => m.id)).size).toBe(1);
    expect(received.every((m) => (m.data as { from?: string }).from === 'ANZ-323456')).toBe(true);
    // Once each: a marker sent afterwards by the same sender arrives behind any repeat on the same ways.
    sender.send(
      JSON.stringify({ type: 'GROUP_MESSAGE', data: { to: members.map(([, user]) => user), content: 'marker' }, reference: 'm' }),
    );
    await Promise.all(sockets.map((socket) => socket.next('MESSAGE', (f) => f.data.content === 'marker', 30_000)));
    expect(sockets.map((socket) => socket.all('MESSAGE', (f) => f.data.content === 'to every domain').length)).toEqual([1, 1, 1, 1]);
  });

  it('serves per-link metrics: both links of domain-01 up, what went each way', async () => {
    await waitFor(
      'both links of domain-01 up in its metrics',
      async () => {
        const text = await (await fetch(metricsUrl)).text();
        return /^linker_link_up\{peer="domain-02",[^}]*\} 1$/m.test(text) && /^linker_link_up\{peer="domain-04",[^}]*\} 1$/m.test(text);
      },
      { timeoutMs: 15_000 },
    );
    const [one, three] = [await login('domain-01', 'ANZ-623456'), await login('domain-03', 'ANZ-3623456')];
    one.send(JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-3623456', content: 'measured' } }));
    await three.next('MESSAGE', undefined, 30_000);
    const text = await (await fetch(metricsUrl)).text();
    expect(text).toMatch(/^linker_link_sent_envelopes_total\{peer="domain-02",[^}]*\} [1-9]\d*$/m);
    expect(text).toMatch(/^linker_processor_processed_total\{lane="RELIABLE",[^}]*\} [1-9]\d*$/m);
  });

  it('a channel publication from domain-01 reaches its subscribers in domain-02 and domain-03 once each, one envelope on 01→02', async () => {
    const channel = 'ANZ:chat-ring';
    const subscribers = [
      await login('domain-02', 'ANZ-1723456'),
      await login('domain-02', 'ANZ-1823456'),
      await login('domain-03', 'ANZ-3723456'),
    ];
    for (const socket of subscribers) {
      socket.send(JSON.stringify({ type: 'SUBSCRIBE', data: { channel } }));
      await socket.next('SUBSCRIBED', undefined, 30_000);
    }
    const publisher = await login('domain-01', 'ANZ-723456');
    let markers = 0;
    await waitFor(
      "the subscribers' interest to reach domain-01 (a marker reaches every subscriber)",
      () => {
        if (subscribers.every((socket) => socket.all('PUBLICATION').length > 0)) return true;
        publisher.send(JSON.stringify({ type: 'PUBLISH', data: { channel, data: { marker: ++markers } } }));
        return false;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const sentTo = async (peer: string): Promise<number> =>
      Number(
        new RegExp(`^linker_link_sent_envelopes_total\\{peer="${peer}",[^}]*\\} (\\d+)$`, 'm').exec(
          await (await fetch(metricsUrl)).text(),
        )?.[1],
      );
    const before = await sentTo('domain-02');
    publisher.send(JSON.stringify({ type: 'PUBLISH', data: { channel, data: 'once' } }));
    publisher.send(JSON.stringify({ type: 'PUBLISH', data: { channel, data: 'after' } }));
    const once = (socket: RawSocket) => socket.all('PUBLICATION', (f) => f.data.data === 'once');
    for (const socket of subscribers) await socket.next('PUBLICATION', (f) => f.data.data === 'after', 30_000);
    expect(subscribers.map((socket) => once(socket).length)).toEqual([1, 1, 1]);
    expect(once(subscribers[2]!)[0]).toEqual({ type: 'PUBLICATION', data: { channel, data: 'once', from: 'ANZ-723456' } });
    // Two publications: two envelopes, and at most a few interest announcements, never one per subscriber.
    expect((await sentTo('domain-02')) - before).toBeGreaterThanOrEqual(2);
    expect((await sentTo('domain-02')) - before).toBeLessThan(6);
  });

  it("domain-01's server API sends to a user homed in domain-03, across the ring, from the master user", async () => {
    const three = await login('domain-03', 'ANZ-3823456');
    const http = (clients.get('domain-01') as string).replace(/^ws/, 'http').replace(/\/ws$/, '');
    const answer = await apiCall(http, 'POST', '/api/v1/messages', {
      key: API_KEY,
      json: { to: 'ANZ-3823456', content: 'from the backend of 01' },
    });
    expect(answer).toMatchObject({ status: 202, body: { ids: [expect.any(String)] } });
    expect(await three.next('MESSAGE', undefined, 30_000)).toEqual({
      type: 'MESSAGE',
      data: { from: 'ANZ-123223', content: 'from the backend of 01' },
      id: (answer.body as { ids: string[] }).ids[0],
    });
  });

  it('refuses a forged peer with a wrong secret (4401) and keeps serving its users', async () => {
    await expectForgedLinkRefused({ domain: 'domain-02', peer: 'domain-01', endpoint: 'ws://127.0.0.1:9091' });
    const [one, three] = [await login('domain-01', 'ANZ-423456'), await login('domain-03', 'ANZ-3423456')];
    one.send(JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-3423456', content: 'still linked' } }));
    expect((await three.next('MESSAGE', undefined, 30_000)).data).toEqual({ from: 'ANZ-423456', content: 'still linked' });
  });

  // Last: it kills domains. domain-03 is down, so what domain-01 sends to ANZ-3123456 waits in domain-02's custody
  // (domain-02 has no way on that avoids domain-01); then domain-02 is killed with SIGKILL holding it.
  it('delivers what domain-02 held in custody when it was killed (SIGKILL), after it and domain-03 restart', async () => {
    await (apps.get('domain-03') as AppProcess).stop('SIGKILL');
    const sender = await login('domain-01', 'ANZ-523456');
    const contents = ['c-0', 'c-1', 'c-2', 'c-3', 'c-4'];
    for (const content of contents) sender.send(JSON.stringify({ type: 'MESSAGE', data: { to: 'ANZ-3123456', content } }));
    const holder = apps.get('domain-02') as AppProcess;
    await holder.waitForOutput(/"peer":"domain-03","envelopes":\d+,"msg":"link down and no other way: envelopes wait in custody"/, 30_000);
    await holder.stop('SIGKILL');

    await follow('domain-02');
    await follow('domain-03');
    const recipient = await login('domain-03', 'ANZ-3123456');
    const arrived = (): string[] =>
      recipient
        .all('MESSAGE')
        .map((m) => (m.data as { content: string }).content)
        .filter((c) => c.startsWith('c-'));
    // They come live once the links are back, or are stored for ANZ-3123456 and come with a fetch.
    let fetches = 0;
    await waitFor(
      'every message held in custody to arrive',
      async () => {
        if (arrived().length >= contents.length) return true;
        recipient.send(JSON.stringify({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 100 } }));
        await recipient.count('FETCH_MISSING_MESSAGES_COMPLETE', ++fetches, undefined, 10_000);
        return arrived().length >= contents.length;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect([...arrived()].sort()).toEqual(contents);
  });
});
