import { memoryLanes, MemoryBroker, type Lanes } from '@linker/bus';
import { decodeEnvelope, intakeTopic, type Envelope } from '@linker/contracts';
import { MemoryMailbox, type DeadLetter } from '@linker/mailbox';
import { silentLogger } from '@linker/observability';
import type { Presence } from '@linker/presence';
import { waitFor } from '@linker/testing';
import { DeadLetterDesk } from '../src/health/dead-letter-desk';
import { startOpsServer, type OpsServer } from '../src/health/ops-server';
import { processorMetrics } from '../src/health/processor-metrics';
import { ProcessorStats, type ProcessorHealth } from '../src/health/processor-stats';
import { Harness, intake } from './testing/harness';

// The processor's dead-letter endpoints (docs/protocol.md, Operations endpoints): behind the admin token, a list
// without content, and re-injection that publishes the envelope to the intake before unparking it.

const TOKEN = 'ops-test-admin-token';
const DOMAIN = 'domain-01';
const health = (): ProcessorHealth => ({
  running: true,
  domain: DOMAIN,
  name: 'p-1',
  stats: new ProcessorStats(),
  pendingRemovals: 0,
  webhooks: {},
  pendingTrims: 0,
  mailboxDropped: {},
});

describe('processor operations endpoints: dead letters', () => {
  let broker: MemoryBroker;
  let lanes: Lanes;
  let mailbox: MemoryMailbox;
  let ops: OpsServer;
  const letter = (to: string, at: number): DeadLetter => ({
    envelope: intake({ type: 'MESSAGE', from: 'ANZ-1', to, data: { to, content: 'secret content' } }),
    reason: `unreachable: ${to} cannot be reached from ${DOMAIN}`,
    at,
  });

  async function serve(adminToken: string | undefined, serveLanes: Lanes = lanes): Promise<string> {
    const desk = new DeadLetterDesk({ mailbox, lanes: serveLanes, domain: DOMAIN, partitions: 4, logger: silentLogger });
    ops = await startOpsServer('127.0.0.1', 0, {
      metrics: processorMetrics({ domain: DOMAIN, name: 'p-1' }, health).metrics,
      health,
      deadLetters: { adminToken, desk },
    });
    return ops.url;
  }
  const bearer = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

  beforeEach(() => {
    broker = new MemoryBroker();
    lanes = memoryLanes(broker);
    mailbox = new MemoryMailbox();
  });
  afterEach(async () => {
    await ops?.close();
    await lanes.close();
  });

  it('answers 404 on both routes when no admin token is set, and says why', async () => {
    const url = await serve(undefined);
    for (const [path, method] of [
      ['/dead-letters', 'GET'],
      ['/dead-letters/x/reinject', 'POST'],
    ]) {
      const answer = await fetch(`${url}${path}`, { method, headers: bearer() });
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { message: string }).message).toContain('LINKER_ADMIN_TOKEN');
    }
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it('refuses a request without the token or with a wrong one (401, WWW-Authenticate: Bearer)', async () => {
    const url = await serve(TOKEN);
    await mailbox.deadLetter(letter('ANZ-2', 1_000));
    for (const headers of [{}, bearer('wrong'), bearer(`${TOKEN}x`), { authorization: TOKEN }]) {
      const list = await fetch(`${url}/dead-letters`, { headers });
      expect(list.status).toBe(401);
      expect(list.headers.get('www-authenticate')).toBe('Bearer');
      const reinject = await fetch(`${url}/dead-letters/x/reinject`, { method: 'POST', headers });
      expect(reinject.status).toBe(401);
    }
    expect(await mailbox.deadLetters(10)).toHaveLength(1);
  });

  it('lists the parked letters oldest first, up to the limit, without their content; a bad limit is a 400', async () => {
    const url = await serve(TOKEN);
    const [b, a] = [letter('ANZ-3', 2_000), letter('ANZ-2', 1_000)];
    await mailbox.deadLetter(b);
    await mailbox.deadLetter(a);
    const answer = await fetch(`${url}/dead-letters?limit=1`, { headers: bearer() });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(JSON.parse(text)).toEqual([
      {
        id: a.envelope.id,
        type: 'MESSAGE',
        lane: 'RELIABLE',
        from: 'ANZ-1',
        to: 'ANZ-2',
        reason: a.reason,
        at: 1_000,
        createdAt: a.envelope.createdAt,
      },
    ]);
    expect(text).not.toContain('secret content');
    expect(await (await fetch(`${url}/dead-letters`, { headers: bearer() })).json()).toHaveLength(2);
    for (const limit of ['0', '-1', 'ten', '1.5', '100000'])
      expect((await fetch(`${url}/dead-letters?limit=${limit}`, { headers: bearer() })).status).toBe(400);
  });

  it('answers 404 for an unknown id and publishes nothing', async () => {
    const url = await serve(TOKEN);
    const published = jest.spyOn(lanes.RELIABLE, 'publish');
    const answer = await fetch(`${url}/dead-letters/no-such-id/reinject`, { method: 'POST', headers: bearer() });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ id: 'no-such-id', reinjected: false });
    expect(published).not.toHaveBeenCalled();
  });

  it('re-injects: publishes the envelope with its own id to the intake, and unparks it only once the publish resolved', async () => {
    let release: () => void = () => undefined;
    let publishing = false;
    const held: Lanes = {
      ...lanes,
      RELIABLE: Object.assign(Object.create(lanes.RELIABLE) as Lanes['RELIABLE'], {
        publish: async (...args: Parameters<Lanes['RELIABLE']['publish']>) => {
          publishing = true;
          await new Promise<void>((resolve) => (release = resolve));
          return lanes.RELIABLE.publish(...args);
        },
      }),
    };
    const url = await serve(TOKEN, held);
    const parked = letter('ANZ-2', 1_000);
    await mailbox.deadLetter(parked);
    const received: Envelope[] = [];
    await lanes.RELIABLE.ensureTopics([intakeTopic(DOMAIN)], 4);
    const subscription = await lanes.RELIABLE.subscribe({
      topic: intakeTopic(DOMAIN),
      group: 'ops-test',
      handler: async (records) => void received.push(...records.map((r) => decodeEnvelope(r.value))),
    });
    try {
      const answer = fetch(`${url}/dead-letters/${parked.envelope.id}/reinject`, { method: 'POST', headers: bearer() });
      await waitFor('the re-injection to be publishing', () => publishing);
      expect(await mailbox.findDeadLetter(parked.envelope.id)).toEqual(parked);
      release();
      expect((await answer).status).toBe(200);
      await waitFor('the envelope on the intake', () => received.length === 1);
      expect(received[0]).toEqual(parked.envelope);
      expect(await mailbox.deadLetters(10)).toEqual([]);
    } finally {
      await subscription.close();
    }
  });

  it('keeps the letter parked when the publish fails (503, in words)', async () => {
    const failing: Lanes = {
      ...lanes,
      RELIABLE: Object.assign(Object.create(lanes.RELIABLE) as Lanes['RELIABLE'], {
        publish: async () => Promise.reject(new Error('broker down')),
      }),
    };
    const url = await serve(TOKEN, failing);
    const parked = letter('ANZ-2', 1_000);
    await mailbox.deadLetter(parked);
    const answer = await fetch(`${url}/dead-letters/${parked.envelope.id}/reinject`, { method: 'POST', headers: bearer() });
    expect(answer.status).toBe(503);
    expect(((await answer.json()) as { message: string }).message).toContain('broker down');
    expect(await mailbox.deadLetters(10)).toEqual([parked]);
  });
});

describe('a re-injected dead letter', () => {
  let harness: Harness | undefined;
  afterEach(() => harness?.stop());

  it('is handled again (its id is not remembered as handled) and delivered once its cause is gone', async () => {
    let failing = true;
    const flaky = (presence: Presence): Presence =>
      Object.assign(Object.create(presence) as Presence, {
        lookupMany: async (ids: readonly string[]) => {
          if (failing && ids.includes('ANZ-7')) throw new Error('presence read failed');
          return presence.lookupMany(ids);
        },
        lookup: async (id: string) => {
          if (failing && id === 'ANZ-7') throw new Error('presence read failed');
          return presence.lookup(id);
        },
      });
    harness = await Harness.start({ presence: flaky, settings: { handlerRetries: 0 } });
    const c1 = await harness.connector('connector-01');
    await c1.connect('ANZ-7');
    const message = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'ANZ-7', content: 'second chance' } });
    await harness.send(message);
    await harness.settled();
    expect((await harness.mailbox.deadLetters(10)).map((l) => l.envelope.id)).toEqual([message.id]);

    failing = false;
    const desk = new DeadLetterDesk({
      mailbox: harness.mailbox,
      lanes: harness.lanes,
      domain: DOMAIN,
      partitions: 4,
      logger: silentLogger,
    });
    expect(await desk.reinject(message.id)).toBe(true);
    const delivered = await c1.next('MESSAGE', 'ANZ-7');
    expect(delivered.delivery.envelope.id).toBe(message.id);
    expect(await harness.mailbox.deadLetters(10)).toEqual([]);
  });
});
