import { LinkerClient } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import { silentLogger } from '@linker/observability';
import { RedisPresence } from '@linker/presence';
import { PrivateRedis, startRealDomain, uniqueName, waitFor, type RealDomain } from '@linker/testing';
import type { Topology } from '@linker/topology';

// A Redis without persistence restarted under a running domain (real mode: built apps on the real Kafka, NATS and
// MongoDB, presence on a redis-server of this test's own): every user connected before the restart must be reachable
// live again soon after Redis is back, on both lanes, without reconnecting — after a restart quicker than the lease
// ttl (the connector's own clock sees no lapse) and after one slower than it. And no processor may take the live
// connector for an ended one and drain its lane.

jest.setTimeout(180_000);

const APP_ID = 'app-id-343';
const USERS = 6;
const HEARTBEAT_MS = 400;
const TTL_MS = 3_000;
/** Probes go out in rounds this far apart until one round reaches everyone (the measure's resolution). */
const ROUND_MS = 250;
/** From Redis back to every user reachable: a few heartbeats and the Redis client's reconnect delay, on a busy machine. */
const REACHABLE_DEADLINE_MS = 20_000;

function seedTopology(domain: string): Topology {
  return {
    domains: [{ name: domain, urls: ['ws://127.0.0.1:8089'] }],
    domainLinks: [],
    clientApps: [{ appName: 'ANZ', appId: APP_ID, masterUserId: 'ANZ-123223', authEnabled: false }],
  };
}

/**
 * A connected user that records when each content reached it live (it never fetches, so nothing comes from the
 * mailbox).
 */
interface Member {
  userId: string;
  client: LinkerClient;
  received: Map<string, number>;
}

async function connect(url: string, userId: string): Promise<Member> {
  const client = new LinkerClient({ url, appId: APP_ID, userId, token: 'token-12345', webSocket: NodeWebSocket, reconnect: false });
  const member: Member = { userId, client, received: new Map() };
  client.on('message', (message) => member.received.set(message.content, Date.now()));
  await client.connect();
  return member;
}

const LANES = ['RELIABLE', 'FAST'] as const;
const probe = (name: string, round: number, lane: (typeof LANES)[number]): string => `${name}:${round}:${lane}`;

/**
 * Send rounds of probes, `ROUND_MS` apart — each member one RELIABLE and one FAST MESSAGE to the next member, so every
 * member is probed on both lanes — until a round reached every member live; resolves with the time the last probe of
 * that round arrived. Times out naming the members the latest round missed.
 */
async function probeUntilReachable(members: readonly Member[], name: string): Promise<number> {
  let rounds = 0;
  const arrivals = (round: number): Array<number | undefined> =>
    members.flatMap((member) => LANES.map((lane) => member.received.get(probe(name, round, lane))));
  const missed = (round: number): string[] =>
    members
      .filter((_, i) =>
        arrivals(round)
          .slice(2 * i, 2 * i + 2)
          .includes(undefined),
      )
      .map((member) => member.userId);
  return waitFor(
    `a round of probes (${name}) to reach every member live on both lanes`,
    () => {
      members.forEach((member, i) => {
        const to = members[(i + 1) % members.length].userId;
        member.client.send(to, probe(name, rounds, 'RELIABLE'));
        member.client.send(to, probe(name, rounds, 'FAST'), { feature: 'FAST' });
      });
      rounds += 1;
      for (let round = 0; round < rounds; round++) {
        const times = arrivals(round);
        if (!times.includes(undefined)) return Math.max(...(times as number[]));
      }
      const last = Math.max(0, rounds - 2); // the latest round that had a round's time to arrive
      throw new Error(`round ${last} missed ${missed(last).join(', ')}`);
    },
    { timeoutMs: REACHABLE_DEADLINE_MS, intervalMs: ROUND_MS },
  );
}

describe('presence across a Redis restart (real mode, a private redis-server)', () => {
  let redis: PrivateRedis | undefined;
  let domain: RealDomain | undefined;
  const members: Member[] = [];
  const measured: string[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const presenceEnv = { LINKER_REDIS_URL: redis.url, LINKER_PRESENCE_ENDED_GRACE_MS: '200' };
    const name = uniqueName('redis-restart');
    domain = await startRealDomain(
      { topology: seedTopology(name), domain: name },
      {
        processors: 1,
        connectors: 1,
        connectorEnv: { ...presenceEnv, LINKER_PRESENCE_HEARTBEAT_MS: String(HEARTBEAT_MS), LINKER_PRESENCE_TTL_MS: String(TTL_MS) },
        processorEnv: { ...presenceEnv, LINKER_PROCESSOR_SWEEP_INTERVAL_MS: '200', LINKER_LOG_LEVEL: 'info' },
      },
    );
    for (let i = 0; i < USERS; i++) members.push(await connect(domain.connectorUrls[0], `ANZ-${7100 + i}`));
    await probeUntilReachable(members, 'before');
  });

  afterAll(async () => {
    await Promise.all(members.map((member) => member.client.close()));
    await domain?.close();
    await redis?.stop();
    if (measured.length > 0) {
      const head = '| restart | Redis down | back → every user in presence | back → a probe round received live by all |';
      process.stdout.write(`${[head, '|---|---|---|---|', ...measured].join('\n')}\n`);
    }
  });

  it.each([
    ['instant', 0],
    ['quick', 1_000],
    ['slow', TTL_MS + 1_500],
  ])('reaches every connected user live on both lanes soon after a restart: %s (down %d ms)', async (name, downMs) => {
    const [server, running] = [redis as PrivateRedis, domain as RealDomain];
    const killedAt = Date.now();
    await server.kill();
    await waitFor(`Redis to have been down ${downMs} ms`, () => Date.now() - killedAt >= downMs, {
      timeoutMs: downMs + 5_000,
      intervalMs: 50,
    });
    await server.start();
    const backAt = Date.now();

    // What the processors see in presence, on a connection opened now (no reconnect delay of its own to measure).
    const reader = RedisPresence.forDomain({ redisUrl: server.url, presenceEndedGraceMs: 200 }, running.domain, silentLogger);
    const userIds = members.map((member) => member.userId);
    const [inPresenceAt, receivedAt] = await Promise.all([
      waitFor(
        `every member in presence again (${name})`,
        async () => {
          const found = await reader.lookupMany(userIds);
          return [...found.values()].every((sockets) => sockets.length > 0) && Date.now();
        },
        { timeoutMs: REACHABLE_DEADLINE_MS, intervalMs: 10 },
      ),
      probeUntilReachable(members, name),
    ]).finally(() => reader.close());
    measured.push(`| ${name} | ${backAt - killedAt} ms | ${inPresenceAt - backAt} ms | ${receivedAt - backAt} ms |`);
    expect(members.map((member) => member.client.state)).toEqual(members.map(() => 'open'));
    const processorOutput = running.processors.map((processor) => processor.output()).join('\n');
    expect(processorOutput).not.toMatch(/"msg":"claimed an ended connector"/);
  });
});
