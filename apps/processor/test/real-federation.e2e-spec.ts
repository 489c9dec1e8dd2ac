import { join } from 'node:path';
import { apiCall, startRealFederation, waitFor, type AppProcess, type RealFederation } from '@linker/testing';
import { expectForgedLinkRefused } from '@linker/testing/e2e/forged-link';
import { RawSocket, type Frame } from '@linker/testing/e2e/raw-socket';
import { seedLogin } from '@linker/testing/e2e/seed-readme';
import { readTopologyFile } from '@linker/topology';

// Federation in real mode (docs/protocol.md, Federation): the original's four-domain ring (topologies/four-domain-ring.yaml: links 01-02,
// 02-03, 03-04, 01-04, the ANZ distributions) with one meta-server and, per domain, one processor holding the
// domain's link endpoint and one connector, as separate processes on Kafka, NATS, Redis and FerretDB. The harness
// renames the domains uniquely (the Kafka cluster is shared by every test) and puts the link endpoints on free ports.
// ANZ-123456 lives in domain-01, ANZ-3123456 in domain-03 (two hops away). The apps run from dist/.

const RING = join(__dirname, '../../../topologies/four-domain-ring.yaml');
const WAIT_MS = 30_000;
/** The server API key this test gives ANZ (the ring's file has none). */
const API_KEY = 'federation-e2e-anz-api-key-0123456789abcdef';
/** The channels this test gives ANZ: public, clients may publish. */
const CHANNELS = [{ pattern: 'chat-*', subscribe: 'public' as const, publish: 'clients' as const }];
/** Publications counted on the links. */
const PUBLICATIONS = 30;

describe('a federation of real-mode domains (the four-domain ring)', () => {
  jest.setTimeout(180_000);
  let federation: RealFederation;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    const { topology } = await readTopologyFile(RING);
    const clientApps = topology.clientApps.map((app) => (app.appName === 'ANZ' ? { ...app, apiKey: API_KEY, channels: CHANNELS } : app));
    federation = await startRealFederation({ topology: { ...topology, clientApps }, extra: { proxied: ['domain-02'] } });
  }, 240_000);

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await federation?.close();
  }, 60_000);

  /** The running name of `domain-0N`. */
  const nameOf = (name: string): string => federation.domain(name).domain;

  /** A socket logged in as `userId` of the original's app at `name`'s connector, with the README's AUTH_CLIENT. */
  const login = async (name: string, userId: string): Promise<RawSocket> => {
    const socket = await RawSocket.open(federation.domain(name).connectorUrl, `${userId}@${name}`);
    sockets.push(socket);
    return seedLogin(socket, userId, WAIT_MS);
  };

  /** Envelopes `name`'s processor has sent over its link to `peer` so far (its `GET /health`). */
  const sentOver = async (name: string, peer: string): Promise<number> => {
    const health = (await (await fetch(federation.domain(name).processorHealthUrl)).json()) as {
      links: Array<{ peer: string; sentEnvelopes: number }>;
    };
    const link = health.links.find((l) => l.peer === nameOf(peer));
    if (link === undefined) throw new Error(`${name} reports no link to ${peer}: ${JSON.stringify(health.links)}`);
    return link.sentEnvelopes;
  };

  it('a channel publication from domain-01 reaches its subscribers in domain-02 (two sockets) and domain-03 once each; each link on the way carries it once, not once per subscriber', async () => {
    const channel = 'ANZ:chat-ring';
    const subscribers = [
      await login('domain-02', 'ANZ-1323456'),
      await login('domain-02', 'ANZ-1423456'),
      await login('domain-03', 'ANZ-3323456'),
    ];
    for (const socket of subscribers) {
      socket.send({ type: 'SUBSCRIBE', data: { channel } });
      await socket.next('SUBSCRIBED', undefined, WAIT_MS);
    }
    const publisher = await login('domain-01', 'ANZ-423456');
    const isMarker = (f: Frame): boolean => (f.data.data as { marker?: number }).marker !== undefined;
    let markers = 0;
    await waitFor(
      "the subscribers' interest to reach domain-01 (a marker publication reaches every subscriber)",
      () => {
        if (subscribers.every((socket) => socket.all('PUBLICATION', isMarker).length > 0)) return true;
        publisher.send({ type: 'PUBLISH', data: { channel, data: { marker: ++markers } } });
        return false;
      },
      { timeoutMs: WAIT_MS, intervalMs: 250 },
    );
    const before = { oneToTwo: await sentOver('domain-01', 'domain-02'), twoToThree: await sentOver('domain-02', 'domain-03') };
    for (let n = 0; n < PUBLICATIONS; n++) publisher.send({ type: 'PUBLISH', data: { channel, data: { n } } });
    const numbered = (socket: RawSocket): number[] =>
      socket.all('PUBLICATION', (f) => typeof (f.data.data as { n?: number }).n === 'number').map((f) => (f.data.data as { n: number }).n);
    for (const socket of subscribers) {
      await waitFor(`${socket.label} to get all ${PUBLICATIONS} publications`, () => numbered(socket).length >= PUBLICATIONS, {
        timeoutMs: WAIT_MS,
      });
    }
    publisher.send({ type: 'PUBLISH', data: { channel, data: { marker: 'last' } } });
    for (const socket of subscribers)
      await socket.next('PUBLICATION', (f) => (f.data.data as { marker?: unknown }).marker === 'last', WAIT_MS);
    for (const socket of subscribers) expect(numbered(socket)).toEqual([...Array(PUBLICATIONS).keys()]);
    const carried = {
      oneToTwo: (await sentOver('domain-01', 'domain-02')) - before.oneToTwo,
      twoToThree: (await sentOver('domain-02', 'domain-03')) - before.twoToThree,
    };
    console.log(`envelopes over the links for ${PUBLICATIONS} publications (+1 marker): ${JSON.stringify(carried)}`);
    // Once per next hop: the publications and the marker, plus at most a few interest announcements on the same link;
    // once per subscriber socket would be three times as many over 01→02.
    for (const count of Object.values(carried)) {
      expect(count).toBeGreaterThanOrEqual(PUBLICATIONS + 1);
      expect(count).toBeLessThan(2 * PUBLICATIONS);
    }
  });

  it('ANZ-123456 (domain-01) and ANZ-3123456 (domain-03) exchange messages and confirmations both ways', async () => {
    const [one, three] = [await login('domain-01', 'ANZ-123456'), await login('domain-03', 'ANZ-3123456')];
    one.send({ type: 'MESSAGE', data: { to: 'ANZ-3123456', content: 'hello from 01' }, reference: 'ref-1' });
    expect(await three.next('MESSAGE', undefined, WAIT_MS)).toEqual({
      type: 'MESSAGE',
      data: { from: 'ANZ-123456', content: 'hello from 01' },
      reference: 'ref-1',
      id: expect.any(String),
    });
    expect(await one.next('MESSAGE_CONFIRMATION', undefined, WAIT_MS)).toEqual({
      type: 'MESSAGE_CONFIRMATION',
      data: { reference: 'ref-1', path: ['domain-01', 'domain-02', 'domain-03'].map(nameOf) },
    });

    three.send({ type: 'MESSAGE', data: { to: 'ANZ-123456', content: 'hello from 03' }, reference: 'ref-3' });
    expect(await one.next('MESSAGE', undefined, WAIT_MS)).toEqual({
      type: 'MESSAGE',
      data: { from: 'ANZ-3123456', content: 'hello from 03' },
      reference: 'ref-3',
      id: expect.any(String),
    });
    expect(await three.next('MESSAGE_CONFIRMATION', undefined, WAIT_MS)).toEqual({
      type: 'MESSAGE_CONFIRMATION',
      data: { reference: 'ref-3', path: ['domain-03', 'domain-02', 'domain-01'].map(nameOf) },
    });
  });

  it('delivers a group message to users in all four domains once each', async () => {
    const members = [
      ['domain-01', 'ANZ-223456'],
      ['domain-02', 'ANZ-1223456'],
      ['domain-03', 'ANZ-3223456'],
      ['domain-04', 'ANZ-6223456'],
    ];
    const receivers = await Promise.all(members.map(([name, user]) => login(name, user)));
    const sender = await login('domain-01', 'ANZ-323456');
    const to = members.map(([, user]) => user);
    sender.send({ type: 'GROUP_MESSAGE', data: { to, content: 'to every domain' }, reference: 'grp' });
    const received = await Promise.all(receivers.map((socket) => socket.message('to every domain', WAIT_MS)));
    expect(new Set(received.map((m) => m.id)).size).toBe(1);
    expect(received.map((m) => m.data.from)).toEqual(['ANZ-323456', 'ANZ-323456', 'ANZ-323456', 'ANZ-323456']);
    // Once each: a marker sent afterwards by the same sender arrives behind any repeat on the same ways.
    sender.send({ type: 'GROUP_MESSAGE', data: { to, content: 'marker' }, reference: 'm' });
    await Promise.all(receivers.map((socket) => socket.message('marker', WAIT_MS)));
    expect(receivers.map((socket) => socket.all('MESSAGE', (f) => f.data.content === 'to every domain').length)).toEqual([1, 1, 1, 1]);
  });

  it("domain-01's server API sends to a user homed in domain-03, across the ring, as the master, and disconnects it there (4003)", async () => {
    const three = await login('domain-03', 'ANZ-3423456');
    const answer = await apiCall(federation.domain('domain-01').connectorUrl, 'POST', '/api/v1/messages', {
      key: API_KEY,
      json: { to: 'ANZ-3423456', content: 'from the backend of 01', reference: 'api-ring' },
    });
    expect(answer).toMatchObject({ status: 202, body: { ids: [expect.any(String)] } });
    expect(await three.next('MESSAGE', (f) => f.reference === 'api-ring', WAIT_MS)).toEqual({
      type: 'MESSAGE',
      data: { from: 'ANZ-123223', content: 'from the backend of 01' },
      reference: 'api-ring',
      id: answer.body.ids[0],
    });
    const disconnect = await apiCall(federation.domain('domain-01').connectorUrl, 'POST', '/api/v1/users/ANZ-3423456/disconnect', {
      key: API_KEY,
    });
    expect(disconnect.status).toBe(202);
    expect((await three.closed(WAIT_MS)).code).toBe(4003);
  });

  it('refuses a forged peer with a wrong secret (4401) and keeps carrying messages', async () => {
    const target = federation.domain('domain-01');
    await expectForgedLinkRefused({ domain: nameOf('domain-02'), peer: target.domain, endpoint: target.linkEndpoint });
    const [one, three] = [await login('domain-01', 'ANZ-423456'), await login('domain-03', 'ANZ-3423456')];
    one.send({ type: 'MESSAGE', data: { to: 'ANZ-3423456', content: 'still linked' }, reference: 'still' });
    expect((await three.message('still linked', WAIT_MS)).data).toEqual({ from: 'ANZ-423456', content: 'still linked' });
    expect(await one.next('MESSAGE_CONFIRMATION', undefined, WAIT_MS)).toMatchObject({
      type: 'MESSAGE_CONFIRMATION',
      data: { reference: 'still' },
    });
  });

  // Last: it kills domains. domain-03 is down, so what domain-01 sends to ANZ-3123456 waits in domain-02's custody
  // (its Kafka queue for the link to domain-03: domain-02 has no way on that avoids domain-01); then domain-02's
  // processes are killed with SIGKILL holding it, and restarted with the same names and environment.
  it('delivers what domain-02 held in custody when it was killed (SIGKILL), after it and domain-03 restart', async () => {
    await federation.kill('domain-03');
    const sender = await login('domain-01', 'ANZ-523456');
    const contents = ['c-0', 'c-1', 'c-2', 'c-3', 'c-4'];
    for (const content of contents) sender.send({ type: 'MESSAGE', data: { to: 'ANZ-3123456', content }, reference: content });
    const holder: AppProcess = federation.domain('domain-02').processor;
    const custody = new RegExp(
      `^(?=.*"peer":"${nameOf('domain-03')}")(?=.*"msg":"link down and no other way: envelopes wait in custody").*$`,
      'm',
    );
    await holder.waitForOutput(custody, WAIT_MS).catch((error: unknown) => {
      const outputs = ['domain-01', 'domain-02', 'domain-04'].map(
        (name) => `${name}:\n${federation.domain(name).processor.output().slice(-4000)}`,
      );
      throw new Error(`${String(error)}\n${outputs.join('\n')}`);
    });
    await federation.kill('domain-02');

    await Promise.all([federation.restart('domain-02'), federation.restart('domain-03')]);
    const recipient = await login('domain-03', 'ANZ-3123456');
    const arrived = (): Frame[] => recipient.all('MESSAGE', (m) => String(m.data.content).startsWith('c-'));
    // They come live once the links are back, or are stored for ANZ-3123456 and come with a fetch.
    let fetches = 0;
    await waitFor(
      'every message held in custody to arrive',
      async () => {
        if (arrived().length >= contents.length) return true;
        recipient.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 100 } });
        await recipient.count('FETCH_MISSING_MESSAGES_COMPLETE', ++fetches, undefined, WAIT_MS);
        return arrived().length >= contents.length;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    // Once each: a marker sent afterwards from domain-01 arrives live behind any repeat on the way.
    sender.send({ type: 'MESSAGE', data: { to: 'ANZ-3123456', content: 'marker' }, reference: 'marker' });
    await recipient.message('marker', WAIT_MS);
    expect(
      arrived()
        .map((m) => m.data.content)
        .sort(),
    ).toEqual(contents);
    expect(new Set(arrived().map((m) => m.id)).size).toBe(contents.length);
    expect(arrived().every((m) => m.data.from === 'ANZ-523456')).toBe(true);
  });

  // Last: it cuts the links into domain-02 for good (its endpoint is a proxy the harness controls).
  it('loses and duplicates nothing of a steady RELIABLE stream 01 → 03 when the links into domain-02 are cut, and the stream flows again through domain-04 within 2 s', async () => {
    await Promise.all(['domain-01', 'domain-02', 'domain-03', 'domain-04'].map((name) => federation.linksUp(name)));
    const sender = await login('domain-01', 'ANZ-723456');
    const recipient = await login('domain-03', 'ANZ-3723456');
    const sentAt: number[] = [];
    const arrivedAt = new Map<number, number>();
    const received = (): number[] => recipient.all('MESSAGE').map((m) => Number(String((m.data as { content: string }).content).slice(4)));
    const note = (): void => {
      for (const n of received()) if (!arrivedAt.has(n)) arrivedAt.set(n, Date.now());
    };
    const stream = async (until: () => boolean): Promise<void> => {
      while (!until()) {
        sender.send({ type: 'MESSAGE', data: { to: 'ANZ-3723456', content: `seq:${sentAt.length}` } });
        sentAt.push(Date.now());
        note();
        await new Promise((resolve) => setTimeout(resolve, 20)); // the stream's pace, 50 msg/s
      }
    };
    await stream(() => received().length >= 50);
    const cutAt = Date.now();
    await federation.cutLinksInto('domain-02');
    await stream(() => Date.now() - cutAt > 4_000);
    const total = sentAt.length;
    await waitFor(
      `all ${total} messages to arrive`,
      () => {
        note();
        return new Set(received()).size >= total;
      },
      { timeoutMs: WAIT_MS },
    );

    expect(received()).toHaveLength(total); // none twice
    expect([...new Set(received())].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i)); // none lost
    const late = sentAt.map((at, n) => ({ n, at })).filter(({ at }) => at >= cutAt + 2_000);
    expect(late.length).toBeGreaterThan(0);
    expect(Math.max(...late.map(({ n, at }) => (arrivedAt.get(n) as number) - at))).toBeLessThan(1_000);
  });
});
