import { join } from 'node:path';
import { runAbuseCase, startEmbeddedDomain, waitFor, wellBehavedPair, type EmbeddedDomain } from '@linker/testing';
import {
  closeFrameCode,
  countByStatus,
  openFilesOf,
  rawConnections,
  statusLine,
  upgradeRequest,
  type RawConnection,
} from '@linker/testing/e2e/raw-connection';
import { RawSocket } from '@linker/testing/e2e/raw-socket';
import { readTopologyFile } from '@linker/topology';

// Abuse of the client port before a client is anyone: connections that never upgrade, upgrades that never
// authenticate, a handshake too large to read, a browser page of a foreign origin. Each while a well-behaved pair chats.

const SINGLE = join(__dirname, '../../../../topologies/single-domain.yaml');
const APP_ID = 'app-id-343';
const ALLOWED_ORIGIN = 'https://chat.example.com';
/** The client port's settings here: the documented variables, deadlines short so the flood ends within seconds. */
const HANDSHAKE_TIMEOUT_MS = 2_000;
const AUTH_TIMEOUT_MS = 4_000;
const MAX_CONNECTIONS = 2_000;
const MAX_HANDSHAKES = 1_000; // the default
const MAX_UNAUTHENTICATED_PER_ADDRESS = 100; // the default
const ENV = {
  LINKER_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
  LINKER_HANDSHAKE_TIMEOUT_MS: String(HANDSHAKE_TIMEOUT_MS),
  LINKER_AUTH_TIMEOUT_MS: String(AUTH_TIMEOUT_MS),
  LINKER_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
};

const OK = 'HTTP/1.1 101 Switching Protocols';
const UNAVAILABLE = 'HTTP/1.1 503 Service Unavailable';
const TIMEOUT = 'HTTP/1.1 408 Request Timeout';

describe('abuse: the client port', () => {
  jest.setTimeout(90_000);
  let domain: EmbeddedDomain;
  let port = 0;
  const flood: RawConnection[] = [];
  /** Each case's pair has users of its own (and the abusers never use theirs). */
  const pairOf = (base: number) => wellBehavedPair(domain.connectorUrls[0], APP_ID, (n) => `ANZ-${base + n}`);

  beforeAll(async () => {
    const { topology } = await readTopologyFile(SINGLE);
    domain = await startEmbeddedDomain({ topology, domain: 'domain-01', env: ENV });
    port = Number(new URL(domain.connectorUrls[0]).port);
  });

  afterEach(() => {
    for (const connection of flood.splice(0)) connection.socket.destroy();
  });

  afterAll(() => domain?.close());

  /** A new user logs in and is answered: the port serves newcomers, not only those connected before. */
  async function newcomerServed(userId: string): Promise<void> {
    const socket = await RawSocket.open(domain.connectorUrls[0], userId);
    try {
      expect((await socket.auth(APP_ID, userId)).data.isAuthenticated).toBe(true);
      socket.send({ type: 'PING', data: {} });
      await socket.next('PONG');
    } finally {
      await socket.close();
    }
  }

  const sockets = async (): Promise<number> =>
    ((await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { sockets: number }).sockets;

  it('a flood of upgrades that never authenticate and of connections that never upgrade: the caps hold, files come back', async () => {
    const result = await runAbuseCase({
      name: 'connection flood',
      abuse:
        '2,600 WebSocket upgrades from 21 addresses (600 from one) that never authenticate, then 1,500 TCP connections that send nothing',
      answer:
        `per address ${MAX_UNAUTHENTICATED_PER_ADDRESS} unauthenticated sockets, then HTTP 503; at LINKER_MAX_CONNECTIONS (${MAX_CONNECTIONS} here) 503; ` +
        `TCP connections beyond that + LINKER_MAX_HANDSHAKES closed when accepted; 408 at the handshake deadline, 4002 at the auth deadline; ` +
        'open files back to where they were',
      pair: pairOf(1000),
      run: async () => {
        const pid = domain.process.child.pid as number;
        const filesBefore = openFilesOf(pid);
        const socketsBefore = await sockets();
        const started = Date.now();
        // Upgrades, address after address: 127.0.0.10 sends 600, the 20 others 100 each (loopback answers all of 127/8).
        const upgrades: RawConnection[][] = [];
        for (let i = 0; i < 21; i++) {
          const batch = await rawConnections(port, i === 0 ? 600 : 100, { localAddress: `127.0.0.${10 + i}`, send: upgradeRequest() });
          flood.push(...batch);
          upgrades.push(batch);
        }
        const upgraded = upgrades.flat();
        await waitFor('an answer to each of the 2,600 upgrades', () => upgraded.every((c) => statusLine(c) !== ''), { timeoutMs: 20_000 });
        const admitted = MAX_CONNECTIONS - socketsBefore;
        expect(countByStatus(upgraded)).toEqual({ [OK]: admitted, [UNAVAILABLE]: upgraded.length - admitted });
        expect(countByStatus(upgrades[0])).toEqual({
          [OK]: MAX_UNAUTHENTICATED_PER_ADDRESS,
          [UNAVAILABLE]: 600 - MAX_UNAUTHENTICATED_PER_ADDRESS,
        });
        for (const batch of upgrades)
          expect(batch.filter((c) => statusLine(c) === OK).length).toBeLessThanOrEqual(MAX_UNAUTHENTICATED_PER_ADDRESS);
        // The refused ones are closed after their answer; then the port holds its cap of sockets and nothing else.
        await waitFor('every refused upgrade closed', () => upgraded.every((c) => statusLine(c) === OK || c.isClosed()), {
          timeoutMs: 10_000,
        });

        // Connections that send nothing: room for LINKER_MAX_HANDSHAKES more; the others are closed as soon as accepted.
        const silent = await rawConnections(port, 1_500, { localAddress: '127.0.0.9' });
        flood.push(...silent);
        const dropped = await waitFor(
          'the connections over the cap closed at once',
          () => silent.filter((c) => c.isClosed()).length >= silent.length - MAX_HANDSHAKES && silent.filter((c) => c.isClosed()),
          { timeoutMs: 10_000 },
        );
        expect(dropped.every((c) => c.received() === '')).toBe(true);

        // The silent ones left get 408 at the handshake deadline, the upgraded ones 4002 at the auth deadline.
        await waitFor('every flooding connection closed by the server', () => flood.every((c) => c.isClosed()), { timeoutMs: 30_000 });
        const silentAnswers = countByStatus(silent);
        expect(Object.keys(silentAnswers).sort()).toEqual(['', TIMEOUT]);
        expect(silentAnswers['']).toBeGreaterThanOrEqual(silent.length - MAX_HANDSHAKES);
        const admittedCodes = upgraded.filter((c) => statusLine(c) === OK).map((c) => closeFrameCode(c));
        expect(new Set(admittedCodes)).toEqual(new Set([4002]));
        expect(Date.now() - started).toBeLessThan(30_000);
        await waitFor(`the process's open files back to about ${filesBefore}`, () => openFilesOf(pid) <= filesBefore + 10, {
          timeoutMs: 10_000,
        });
        await newcomerServed('ANZ-1100');
      },
    });
    expect(result.violations).toEqual([]);
  });

  it('a handshake with 2,000 headers is answered 431 and closed', async () => {
    const result = await runAbuseCase({
      name: 'oversized handshake',
      abuse: 'a WebSocket upgrade with 2,000 headers (about 40 KB)',
      answer: 'HTTP 431 (headers over 16 KiB), the connection closed; the process serves on',
      pair: pairOf(2000),
      run: async () => {
        const headers = Array.from({ length: 2_000 }, (_, i) => `X-Padding-${i}: ${'v'.repeat(8)}`);
        const [big] = await rawConnections(port, 1, { send: upgradeRequest(headers) });
        flood.push(big);
        await waitFor('the oversized handshake answered and closed', () => big.isClosed(), { timeoutMs: 10_000 });
        expect(statusLine(big)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
        await newcomerServed('ANZ-2100');
      },
    });
    expect(result.violations).toEqual([]);
  });

  it('a browser handshake from an origin outside LINKER_ALLOWED_ORIGINS is answered 403', async () => {
    const result = await runAbuseCase({
      name: 'foreign origin',
      abuse: `a browser's WebSocket upgrade with Origin https://evil.example (LINKER_ALLOWED_ORIGINS=${ALLOWED_ORIGIN})`,
      answer: 'HTTP 403, the connection closed; the allowed origin and clients without an Origin connect',
      pair: pairOf(3000),
      run: async () => {
        const [foreign, allowed] = await Promise.all([
          rawConnections(port, 1, { send: upgradeRequest(['Origin: https://evil.example']) }),
          rawConnections(port, 1, { send: upgradeRequest([`Origin: ${ALLOWED_ORIGIN}`]) }),
        ]);
        flood.push(...foreign, ...allowed);
        await waitFor('an answer to the foreign origin', () => statusLine(foreign[0]) !== '', { timeoutMs: 10_000 });
        expect(statusLine(foreign[0])).toBe('HTTP/1.1 403 Forbidden');
        await waitFor('the foreign origin closed', () => foreign[0].isClosed(), { timeoutMs: 10_000 });
        await waitFor('the allowed origin answered', () => statusLine(allowed[0]) !== '', { timeoutMs: 10_000 });
        expect(statusLine(allowed[0])).toBe(OK);
        await newcomerServed('ANZ-3100'); // no Origin: not a browser, accepted
      },
    });
    expect(result.violations).toEqual([]);
  });
});
