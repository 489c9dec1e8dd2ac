import { AUTH_BUSY_RETRY_AFTER_MS, CLOSE_CODES } from '@linker/contracts';
import { runAbuseCase, startEmbeddedDomain, wellBehavedPair, type AbuseCase, type EmbeddedDomain } from '@linker/testing';
import { AUTH_ANSWER, startAuthServer, type AuthServer } from '@linker/testing/e2e/auth-server';
import { RawSocket } from '@linker/testing/e2e/raw-socket';
import type { Topology } from '@linker/topology';

// Abuse cases of an app's `authUrl` webhook (`npm run build` first): whatever its auth server does, no session is
// granted without its positive answer, every login gets its answer (4001) before the connector's auth deadline, and a
// pair of users of another app keeps chatting, unslowed.

const DOMAIN = 'abuse-auth-url';
/** The pair's app in the first case (authentication off). */
const ANZ = { appName: 'ANZ', appId: 'app-id-343', master: 'ANZ-123223' } as const;
/** An app whose auth server answers as the user's first digit says (`AUTH_ANSWER`); '1' accepts. */
const EXT = { appName: 'EXT', appId: 'app-id-ext' } as const;
/** An app whose authUrl refuses connections. */
const DOWN = { appName: 'DOWN', appId: 'app-id-down' } as const;
/** An app whose auth server never answers in time. */
const HUNG = { appName: 'HUNG', appId: 'app-id-hung' } as const;
/** The processor's defaults: how long it waits for a webhook, its calls at once per app, and the logins that wait. */
const WEBHOOK_TIMEOUT_MS = 5_000;
const CONCURRENCY = 16;
const QUEUE = 32;
/** The connector's auth deadline: a login unanswered by then is closed with 4002. */
const AUTH_TIMEOUT_MS = 15_000;
/** Slack for a loaded machine on top of the documented bounds. */
const SLACK_MS = 2_500;

/** One login in flight: its socket, its user, and when its AUTH_CLIENT left. */
interface Login {
  socket: RawSocket;
  appId: string;
  userId: string;
  sentAt: number;
}

describe('abuse: authUrl webhooks (embedded mode)', () => {
  jest.setTimeout(120_000);
  let good: AuthServer | undefined;
  let hung: AuthServer | undefined;
  let domain: EmbeddedDomain | undefined;
  const sockets: RawSocket[] = [];
  /** Logins refused as busy (4011) so far. */
  let busyRefusals = 0;
  let next = 100_000;
  const user = (app: string, digit = ''): string => `${app}-${digit}${next++}`;

  beforeAll(async () => {
    good = await startAuthServer();
    hung = await startAuthServer({ delayMs: 10 * AUTH_TIMEOUT_MS });
    const topology: Topology = {
      domains: [{ name: DOMAIN, urls: ['ws://127.0.0.1:8089', 'ws://127.0.0.1:9089'] }],
      domainLinks: [],
      clientApps: [
        { appName: ANZ.appName, appId: ANZ.appId, masterUserId: ANZ.master, authEnabled: false },
        { appName: EXT.appName, appId: EXT.appId, authUrl: good.url },
        { appName: DOWN.appName, appId: DOWN.appId, authUrl: 'http://127.0.0.1:1/auth' },
        { appName: HUNG.appName, appId: HUNG.appId, authUrl: hung.url },
      ],
    };
    domain = await startEmbeddedDomain({ topology, domain: DOMAIN });
  }, 60_000);

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  });

  afterAll(async () => {
    await domain?.close();
    await Promise.all([good?.close(), hung?.close()]);
  }, 60_000);

  const url = (): string => (domain as EmbeddedDomain).connectorUrls[0];

  async function abuseCase(abuse: AbuseCase): Promise<{ p99Ms: number }> {
    const result = await runAbuseCase(abuse);
    console.log(`${abuse.name}: the pair's latency ${JSON.stringify(result.pair.latency)}, ${result.pair.accepted} messages`);
    expect(result.violations).toEqual([]);
    return result.pair.latency;
  }

  /** Open a socket and send AUTH_CLIENT, then a PING (answered AUTH_REQUIRED while the login is not granted). */
  async function login(appId: string, userId: string): Promise<Login> {
    const socket = await RawSocket.open(url(), userId);
    sockets.push(socket);
    socket.send({ type: 'AUTH_CLIENT', data: { appId, userId, token: 'token' } });
    const sentAt = Date.now();
    socket.send({ type: 'PING', data: {} });
    return { socket, appId, userId, sentAt };
  }

  /**
   * The login was refused: AUTH_REQUIRED for its PING, AUTH_CLIENT_REPLY false, close 4001, or (`busy` allowed: the auth
   * server's calls were all taken) the reply with `retryAfterMs` and close 4011. How long its answer took.
   */
  async function refused({ socket, appId, userId, sentAt }: Login, busy = false): Promise<number> {
    const { code } = await socket.closed(AUTH_TIMEOUT_MS + SLACK_MS);
    const reply = await socket.next('AUTH_CLIENT_REPLY');
    const wasBusy = busy && code === CLOSE_CODES.AUTH_BUSY.code;
    if (wasBusy) busyRefusals += 1;
    expect([userId, code]).toEqual([userId, wasBusy ? CLOSE_CODES.AUTH_BUSY.code : CLOSE_CODES.AUTH_FAILED.code]);
    const retry = wasBusy ? { retryAfterMs: AUTH_BUSY_RETRY_AFTER_MS } : {};
    expect(reply).toEqual({ type: 'AUTH_CLIENT_REPLY', data: { appId, userId, isAuthenticated: false, ...retry } });
    expect(socket.all('AUTH_REQUIRED')).toHaveLength(1);
    expect(socket.all('PONG')).toEqual([]);
    return socket.arrivalOf(reply) - sentAt;
  }

  /** The login was granted within `withinMs`, and the socket then answers a PING. */
  async function granted({ socket, userId, sentAt }: Login, withinMs: number): Promise<void> {
    const reply = await socket.next('AUTH_CLIENT_REPLY');
    expect(reply.data).toEqual({ appId: EXT.appId, userId, isAuthenticated: true });
    expect(socket.arrivalOf(reply) - sentAt).toBeLessThan(withinMs);
    socket.send({ type: 'PING', data: {} });
    await socket.next('PONG');
  }

  it('an auth server that is down or answers wrong: every login refused', async () => {
    const answers: Array<[string, string, string]> = [
      ['down (connection refused)', DOWN.appId, DOWN.appName],
      ['500', EXT.appId, AUTH_ANSWER.serverError],
      ['a body that is not JSON', EXT.appId, AUTH_ANSWER.malformed],
      ['null', EXT.appId, AUTH_ANSWER.nullBody],
      ['no isAuthenticated', EXT.appId, AUTH_ANSWER.noVerdict],
      ['isAuthenticated "true" (a string)', EXT.appId, AUTH_ANSWER.wrongType],
      ['another user', EXT.appId, AUTH_ANSWER.otherUser],
      ['isAuthenticated false', EXT.appId, AUTH_ANSWER.refuse],
      ['a body of 256 MiB', EXT.appId, AUTH_ANSWER.huge],
    ];
    const slowest: Record<string, number> = {};
    await abuseCase({
      name: 'authUrl down or answering wrong',
      abuse: `5 logins at once for each failure of the auth server: ${answers.map(([what]) => what).join(', ')}`,
      answer: `AUTH_CLIENT_REPLY false, then close 4001, within the webhook timeout (${WEBHOOK_TIMEOUT_MS / 1000} s); a huge answer read to 64 KiB only; the app's good logins granted`,
      pair: wellBehavedPair(url(), ANZ.appId, (n) => `${ANZ.appName}-${n + 1}`),
      run: async () => {
        const logins = await Promise.all(
          answers.flatMap(([what, appId, digitOrApp]) =>
            Array.from({ length: 5 }, async () => ({
              what,
              login: await login(appId, appId === DOWN.appId ? user(digitOrApp) : user(EXT.appName, digitOrApp)),
            })),
          ),
        );
        const fine = await Promise.all(Array.from({ length: 5 }, () => login(EXT.appId, user(EXT.appName, AUTH_ANSWER.accept))));
        for (const { what, login: one } of logins) slowest[what] = Math.max(slowest[what] ?? 0, await refused(one));
        await Promise.all(fine.map((one) => granted(one, WEBHOOK_TIMEOUT_MS)));
        console.log(
          `slowest refusal by answer, ms: ${JSON.stringify(slowest)}; bytes of the huge answers written: ${(good as AuthServer).hugeBytesWritten()}`,
        );
        expect(Object.keys(slowest)).toHaveLength(answers.length);
        expect(Math.max(...Object.values(slowest))).toBeLessThan(WEBHOOK_TIMEOUT_MS);
        // The processor read at most 64 KiB of each huge answer, then hung up (what was written meanwhile sat in buffers).
        expect((good as AuthServer).hugeBytesWritten()).toBeLessThan(5 * 32 * 1024 * 1024);
      },
    });
  });

  it('an auth server that never answers: every login refused before the auth deadline, other apps unslowed', async () => {
    const logins = CONCURRENCY + QUEUE + 8;
    let answered: number[] = [];
    const latency = await abuseCase({
      name: 'authUrl never answering',
      abuse: `${logins} logins at once for an app whose auth server never answers (${CONCURRENCY} called at a time, ${QUEUE} waiting); the pair logs in through another app's authUrl`,
      answer: `AUTH_CLIENT_REPLY false, then close 4001 (4011 AUTH_BUSY, with retryAfterMs, for those the app's calls and queue had no room for), for every login within twice the webhook timeout (${(2 * WEBHOOK_TIMEOUT_MS) / 1000} s), never 4002; other apps' logins granted at once`,
      pair: wellBehavedPair(url(), EXT.appId, (n) => `${EXT.appName}-${AUTH_ANSWER.accept}${n + 1}`),
      run: async () => {
        const hanging = await Promise.all(Array.from({ length: logins }, () => login(HUNG.appId, user(HUNG.appName))));
        const others = await Promise.all(Array.from({ length: 5 }, () => login(EXT.appId, user(EXT.appName, AUTH_ANSWER.accept))));
        await Promise.all(others.map((one) => granted(one, SLACK_MS)));
        answered = await Promise.all(hanging.map((one) => refused(one, true)));
        expect(busyRefusals).toBeGreaterThanOrEqual(logins - CONCURRENCY - QUEUE);
        answered.sort((a, b) => a - b);
        console.log(
          `answers to ${logins} logins of a hung auth server, ms: first ${answered[0]}, median ${answered[logins >> 1]}, last ${answered[logins - 1]}`,
        );
        expect(answered.filter((ms) => ms < WEBHOOK_TIMEOUT_MS).length).toBeGreaterThanOrEqual(logins - CONCURRENCY - QUEUE);
        expect(answered[logins - 1]).toBeLessThan(2 * WEBHOOK_TIMEOUT_MS + SLACK_MS);
        expect((hung as AuthServer).requests.length).toBeLessThanOrEqual(CONCURRENCY + QUEUE);
      },
    });
    expect(latency.p99Ms).toBeLessThan(1_000);
  });
});
