import type { Envelope } from '@linker/contracts';
import {
  LINK_CLOSE_CODES,
  LINK_PATH,
  MAX_LINK_CONNECTIONS,
  WsLinkTransport,
  type LinkListener,
  type OutboundLink,
} from '@linker/domain-link';
import { newMessageId } from '@linker/kernel';
import { freePort, runAbuseCase, startEmbeddedDomain, waitFor, wellBehavedPair, type EmbeddedDomain } from '@linker/testing';
import { expectForgedLinkRefused } from '@linker/testing/e2e/forged-link';
import {
  closeFrameCode,
  countByStatus,
  openFilesOf,
  rawConnections,
  upgradeRequest,
  type RawConnection,
} from '@linker/testing/e2e/raw-connection';
import { RawSocket } from '@linker/testing/e2e/raw-socket';
import type { Topology } from '@linker/topology';
import { FakeLinkDialer } from '../../../../libs/domain-link/test/ws/testing/fake-peer';

// Abuse of an embedded domain's link endpoint (domain-01) by would-be neighbours: a wrong secret, a replayed
// handshake, a flood of connections that never become links, and a neighbour (domain-02, played by this test with the
// right secret) that relays for domain-03, which it cannot reach. The topology is a line, 01 — 02 — 03: domain-01's
// only way to domain-03 is through domain-02.

const SECRET = 'link-secret-of-the-links-abuse-test';
const APP_ID = 'app-id-343';
/** A user of each domain: 0–999,999 live in domain-01, then a million per domain. */
const userOf = (domain: 1 | 2 | 3, n: number): string => `ANZ-${(domain - 1) * 1_000_000 + n}`;

function line(ports: { one: number; two: number; three: number }): Topology {
  const domain = (n: number, port: number) => ({ name: `domain-0${n}`, urls: [`ws://127.0.0.1:${8100 + n}`, `ws://127.0.0.1:${port}`] });
  return {
    domains: [domain(1, ports.one), domain(2, ports.two), domain(3, ports.three)],
    domainLinks: [
      { n1: 'domain-01', n2: 'domain-02' },
      { n1: 'domain-02', n2: 'domain-03' },
    ],
    clientApps: [
      {
        appName: 'ANZ',
        appId: APP_ID,
        masterUserId: 'ANZ-123223',
        authEnabled: false,
        userDistributions: [1, 2, 3].map((n) => ({ domainName: `domain-0${n}`, from: (n - 1) * 1_000_000, to: n * 1_000_000 - 1 })),
      },
    ],
  };
}

/** A MESSAGE as domain-02 hands it on after relaying it: crossed domain-02, now at domain-01. */
function relayed(to: string, content: string): Envelope {
  return {
    id: newMessageId(),
    lane: 'RELIABLE',
    type: 'MESSAGE',
    from: userOf(2, 7),
    to,
    data: { to, content },
    path: ['domain-02', 'domain-01'],
    createdAt: Date.now(),
    hops: 1,
  };
}

describe('abuse: the link endpoint', () => {
  jest.setTimeout(90_000);
  let domain: EmbeddedDomain;
  let endpoint = '';
  /** domain-02's side: its endpoint (what domain-01 dials), and what reached it. */
  let neighbour: LinkListener;
  const atNeighbour: Envelope[] = [];
  const dialers: FakeLinkDialer[] = [];
  const relays: OutboundLink[] = [];
  const flood: RawConnection[] = [];
  const pairOf = (base: number) => wellBehavedPair(domain.connectorUrls[0], APP_ID, (n) => userOf(1, base + n));

  beforeAll(async () => {
    const ports = { one: await freePort(), two: await freePort(), three: await freePort() };
    endpoint = `ws://127.0.0.1:${ports.one}`;
    neighbour = await new WsLinkTransport().listen({
      domain: 'domain-02',
      endpoint: `ws://127.0.0.1:${ports.two}`,
      secretFor: () => SECRET,
      acceptsPeer: (peer) => peer === 'domain-01',
      onReceive: async (_from, envelopes) => void atNeighbour.push(...envelopes),
    });
    domain = await startEmbeddedDomain({ topology: line(ports), domain: 'domain-01', metrics: true, env: { LINKER_LINK_SECRET: SECRET } });
  });

  afterEach(async () => {
    for (const dialer of dialers.splice(0)) dialer.close();
    await Promise.all(relays.splice(0).map((relay) => relay.close()));
    for (const connection of flood.splice(0)) connection.socket.destroy();
  });

  afterAll(async () => {
    await domain?.close();
    await neighbour?.close();
  });

  async function dial(): Promise<FakeLinkDialer> {
    const dialer = await FakeLinkDialer.connect(endpoint);
    dialers.push(dialer);
    return dialer;
  }

  /** A link from domain-02 (this test, with the right secret) to domain-01, once it is up. */
  async function relayLink(): Promise<OutboundLink> {
    const relay = new WsLinkTransport().dial({ domain: 'domain-02', peer: 'domain-01', endpoint, secretFor: () => SECRET });
    relays.push(relay);
    await waitFor('the link domain-02 → domain-01 up', () => relay.up, { timeoutMs: 20_000 });
    return relay;
  }

  /** The value of a metric of domain-01's processor (the first sample matching `labels`), 0 when absent. */
  async function metric(name: string, labels = ''): Promise<number> {
    const text = await (await fetch(domain.metricsUrl as string)).text();
    const sample = new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} (\\S+)$`, 'm').exec(text);
    return sample ? Number(sample[1]) : 0;
  }

  it('a neighbour with a wrong secret is refused with 4401, and the secret is never logged', async () => {
    const result = await runAbuseCase({
      name: 'forged link',
      abuse: 'a peer dials the link endpoint as neighbour domain-02 with a wrong secret',
      answer: 'closed with 4401 (AUTH_FAILED), logged with the claimed domain and address; never up',
      pair: pairOf(1000),
      run: async () => {
        await expectForgedLinkRefused({ domain: 'domain-02', peer: 'domain-01', endpoint });
        await domain.process.waitForOutput(/"msg":"link peer cut off"/);
        const cut = domain.process
          .output()
          .split('\n')
          .find((line) => line.includes('"msg":"link peer cut off"')) as string;
        expect(JSON.parse(cut)).toMatchObject({
          peer: 'domain-02',
          close: 'AUTH_FAILED',
          remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        });
        expect(domain.process.output()).not.toContain(SECRET);
      },
    });
    expect(result.violations).toEqual([]);
  });

  it('a captured handshake sent again is refused with 4401; a hello inside a session with 4400', async () => {
    const result = await runAbuseCase({
      name: 'replayed link handshake',
      abuse: "domain-02's valid hello, captured on the wire, sent again on a new connection; and again inside the session",
      answer:
        'a new challenge nonce per connection: the replayed proof does not match, closed with 4401; a second hello is a protocol error, 4400',
      pair: pairOf(2000),
      run: async () => {
        const honest = await dial();
        const captured = await honest.handshake('domain-02', SECRET);
        const firstNonce = (await honest.frame('challenge')).nonce;
        honest.send(captured);
        expect((await honest.closedWith()).code).toBe(LINK_CLOSE_CODES.PROTOCOL_ERROR.code);

        const replayer = await dial();
        expect((await replayer.frame('challenge')).nonce).not.toBe(firstNonce);
        replayer.send(captured);
        expect((await replayer.closedWith()).code).toBe(LINK_CLOSE_CODES.AUTH_FAILED.code);
        expect(replayer.frames.map((frame) => frame.type)).toEqual(['challenge']);
      },
    });
    expect(result.violations).toEqual([]);
  });

  it('a flood of connections that never become links: capped, closed at the handshake deadline, files come back', async () => {
    const result = await runAbuseCase({
      name: 'link endpoint flood',
      abuse: `1,500 TCP connections to the link endpoint that send nothing, and 100 upgrades to ${LINK_PATH} that never say hello`,
      answer:
        `at most ${MAX_LINK_CONNECTIONS} connections (more are closed when accepted); 408 after the 5 s handshake deadline, 4408 for a socket ` +
        "without a hello; a neighbour's link stays up and carries on; open files back to where they were",
      pair: pairOf(4000),
      run: async () => {
        const relay = await relayLink();
        const pid = domain.process.child.pid as number;
        const filesBefore = openFilesOf(pid);
        const port = Number(new URL(endpoint).port);
        const started = Date.now();
        const upgrades = await rawConnections(port, 100, { localAddress: '127.0.0.8', send: upgradeRequest([], LINK_PATH) });
        const silent = await rawConnections(port, 1_500, { localAddress: '127.0.0.9' });
        flood.push(...upgrades, ...silent);
        await waitFor('every flooding connection closed by domain-01', () => flood.every((c) => c.isClosed()), { timeoutMs: 20_000 });
        const tookMs = Date.now() - started;
        expect(tookMs).toBeLessThan(15_000);
        expect(new Set(upgrades.map(closeFrameCode))).toEqual(new Set([LINK_CLOSE_CODES.HANDSHAKE_TIMEOUT.code]));
        const answers = countByStatus(silent);
        expect(Object.keys(answers).sort()).toEqual(['', 'HTTP/1.1 408 Request Timeout']);
        expect(answers['']).toBeGreaterThanOrEqual(upgrades.length + silent.length - MAX_LINK_CONNECTIONS);
        await waitFor(`the process's open files back to about ${filesBefore}`, () => openFilesOf(pid) <= filesBefore + 10, {
          timeoutMs: 10_000,
        });

        // The neighbour's link was up throughout and still carries what it is given.
        expect(relay.metrics()).toMatchObject({ up: true, downs: 0 });
        const recipient = await RawSocket.open(domain.connectorUrls[0], 'recipient');
        try {
          await recipient.auth(APP_ID, userOf(1, 800));
          await relay.send([{ ...relayed(userOf(1, 800), 'after the flood'), to: userOf(1, 800) }]);
          await recipient.message('after the flood');
        } finally {
          await recipient.close();
        }
      },
    });
    expect(result.violations).toEqual([]);
  });

  it('a neighbour that relays for a domain it cannot reach: nothing goes back to it, what cannot go on is dead-lettered', async () => {
    const result = await runAbuseCase({
      name: 'relay for an unreachable domain',
      abuse:
        'neighbour domain-02 (right secret, the topology links it to domain-03) acknowledges what it is handed and passes nothing on; ' +
        'it hands domain-01 three messages for domain-03, whose only way from domain-01 is back through domain-02',
      answer:
        "domain-01 routes by the topology: its own users' messages for domain-03 go to domain-02 (custody ends with its ack); " +
        'what domain-02 hands back for domain-03 is dead-lettered with the reason, never sent back to a domain it crossed',
      pair: pairOf(3000),
      run: async () => {
        await waitFor('the link domain-01 → domain-02 up', async () => (await metric('linker_link_up', 'peer="domain-02"')) === 1, {
          timeoutMs: 20_000,
        });
        // A user of domain-01 writes to domain-03: the topology's way is domain-02, which acknowledges it.
        const sender = await RawSocket.open(domain.connectorUrls[0], 'sender');
        try {
          await sender.auth(APP_ID, userOf(1, 600));
          sender.send({ type: 'MESSAGE', id: 'to-three', data: { to: userOf(3, 600), content: 'for domain-03' } });
          await sender.next('ACCEPTED');
        } finally {
          await sender.close();
        }
        const handedOn = await waitFor('the message handed to domain-02', () => atNeighbour.find((e) => e.from === userOf(1, 600)), {
          timeoutMs: 20_000,
        });
        expect(handedOn).toMatchObject({ to: userOf(3, 600), path: ['domain-01', 'domain-02'], hops: 1 });

        // domain-02 relays three messages for domain-03 to domain-01, whose only way there is back through domain-02.
        const relay = await relayLink();
        const deadBefore = await metric('linker_processor_dead_lettered_total');
        const envelopes = [1, 2, 3].map((n) => relayed(userOf(3, 700 + n), `relayed ${n}`));
        await relay.send(envelopes); // resolves once domain-01 acknowledged: custody is domain-01's now
        const ids = new Set(envelopes.map((e) => e.id));
        const returned = (): Envelope[] => atNeighbour.filter((e) => ids.has(e.id));
        const deadLettered = async (): Promise<number> => (await metric('linker_processor_dead_lettered_total')) - deadBefore;
        await waitFor(
          'domain-01 to dispose of the three relayed messages (dead-lettered, or sent on)',
          async () => returned().length > 0 || (await deadLettered()) >= 3,
          {
            timeoutMs: 20_000,
          },
        );
        expect(returned().map((e) => e.path.join(' → '))).toEqual([]);
        expect(await deadLettered()).toBe(3);
      },
    });
    expect(result.violations).toEqual([]);
  });
});
