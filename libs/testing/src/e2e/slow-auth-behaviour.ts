import { partitionFor } from '@linker/bus';
import type { DomainUnderTest } from '../domains/domain-under-test';
import { AUTH_ANSWER, startAuthServer, type AuthServer } from './auth-server';
import { RawSocket, type Frame } from './raw-socket';
import type { StartDomain } from './suite-context';
import { ANZ, EXT, suiteDomains, suiteTopology, UserIds } from './suite-topology';

/** How long the auth server takes to answer each login. */
const WEBHOOK_DELAY_MS = 3_000;
/** Logins of the slow app at once. */
const SLOW_LOGINS = 20;
/** Most intake partitions a domain under test has (embedded: 12; real mode's test domains: 4, a divisor of it). */
const PARTITIONS = 12;
/** Each bystander sends one message to the other this often while the slow logins run. */
const SEND_EVERY_MS = 50;
/** The bystanders' p99 latency must stay under this: well under the webhook's delay, even on a loaded machine. */
const P99_LIMIT_MS = 500;
const WAIT_MS = 30_000;

/** What one run measured: the bystanders' message latencies while the slow logins waited for the auth server. */
interface SlowAuthFigures {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * A slow auth webhook must not hold up anyone's messages: while `SLOW_LOGINS` logins of an app whose `authUrl`
 * answers after `WEBHOOK_DELAY_MS` are pending, two users of another app (authentication off) exchange RELIABLE
 * messages, and their latency stays far below that delay; every slow login still gets its (positive) answer.
 * The slow users are chosen to land on every intake partition, so no bystander's partition escapes by chance.
 */
export function slowAuthSuite(name: string, start: StartDomain): void {
  describe(name, () => {
    jest.setTimeout(120_000);
    let authServer: AuthServer | undefined;
    let domain: DomainUnderTest | undefined;
    const sockets: RawSocket[] = [];

    beforeAll(async () => {
      authServer = await startAuthServer({ delayMs: WEBHOOK_DELAY_MS });
      const domains = suiteDomains();
      domain = await start({ topology: suiteTopology(domains, authServer.url), domain: domains.domain });
    }, 120_000);

    afterAll(async () => {
      await Promise.all(sockets.splice(0).map((socket) => socket.close()));
      await domain?.close();
      await authServer?.close();
    }, 120_000);

    it(`keeps a chatting pair's RELIABLE latency low while ${SLOW_LOGINS} logins wait ${WEBHOOK_DELAY_MS} ms for their webhook`, async () => {
      const urls = (domain as DomainUnderTest).connectorUrls;
      const open = async (label: string, i: number): Promise<RawSocket> => {
        const socket = await RawSocket.open(urls[i % urls.length], label);
        sockets.push(socket);
        return socket;
      };
      const users = new UserIds();
      const pair = await Promise.all([0, 1].map(async (i) => ({ id: users.anz(), socket: await open(`bystander ${i}`, i) })));
      for (const { id, socket } of pair) expect((await socket.auth(ANZ.appId, id)).data.isAuthenticated).toBe(true);
      const slowIds = spreadOverPartitions(() => users.of(EXT.appName, AUTH_ANSWER.accept));
      const slow = await Promise.all(slowIds.map((id, i) => open(id, i)));

      const sent = new Map<string, { at: number; to: RawSocket }>();
      const send = (from: (typeof pair)[number], to: (typeof pair)[number]): void => {
        const content = `bystander ${sent.size}`;
        sent.set(content, { at: Date.now(), to: to.socket });
        from.socket.send({ type: 'MESSAGE', feature: 'RELIABLE', data: { to: to.id, content } });
      };
      slow.forEach((socket, i) => socket.send({ type: 'AUTH_CLIENT', data: { appId: EXT.appId, userId: slowIds[i], token: 'slow' } }));
      const ticker = setInterval(() => {
        send(pair[0], pair[1]);
        send(pair[1], pair[0]);
      }, SEND_EVERY_MS);
      let replies: Frame[];
      try {
        replies = await Promise.all(slow.map((socket) => socket.next('AUTH_CLIENT_REPLY', () => true, WAIT_MS)));
      } finally {
        clearInterval(ticker);
      }
      expect(replies.map((reply) => reply.data.isAuthenticated)).toEqual(Array(SLOW_LOGINS).fill(true));

      const latencies = await Promise.all(
        [...sent].map(async ([content, { at, to }]) => to.arrivalOf(await to.message(content, WAIT_MS)) - at),
      );
      const figures = summarize(latencies);
      console.log(`bystander latency during ${SLOW_LOGINS} slow logins (${name}): ${JSON.stringify(figures)}`);
      expect(figures.samples).toBeGreaterThan(WEBHOOK_DELAY_MS / SEND_EVERY_MS);
      expect(figures.p99).toBeLessThan(P99_LIMIT_MS);
    });
  });
}

/** `SLOW_LOGINS` fresh ids whose intake partitions cover all `PARTITIONS` (and so every partition of a divisor). */
function spreadOverPartitions(fresh: () => string): string[] {
  const ids: string[] = [];
  const covered = new Set<number>();
  while (ids.length < SLOW_LOGINS) {
    const id = fresh();
    const partition = partitionFor(id, PARTITIONS);
    if (covered.size < PARTITIONS && covered.has(partition)) continue;
    covered.add(partition);
    ids.push(id);
  }
  return ids;
}

function summarize(latencies: number[]): SlowAuthFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}
