import { createHmac } from 'node:crypto';
import { MemoryBroker, memoryLanes } from '@linker/bus';
import { encodeEnvelope, intakeTopic, WEBHOOK_SIGNATURE_HEADER } from '@linker/contracts';
import { MemoryMailbox } from '@linker/mailbox';
import { silentLogger } from '@linker/observability';
import { MemoryPresence } from '@linker/presence';
import { waitFor } from '@linker/testing';
import { TopologyView, type AppWebhook } from '@linker/topology';
import { processorSettings } from '../../src/config/processor.config';
import { Processor } from '../../src/processor';
import { anzTopology, DOMAIN, Harness, intake } from '../testing/harness';
import { FakeReceiver } from './testing/fake-receiver';

// The webhook events a processor makes (docs/protocol.md, Webhooks): where, for whom, with which ids, and signed.

const SECRET = 'a-webhook-signing-secret-of-32-characters-or-more';
const URL = 'http://backend.test/linker';

function topologyWith(webhook: Partial<AppWebhook>) {
  const topology = anzTopology();
  topology.clientApps[0].webhook = { url: URL, secret: SECRET, ...webhook };
  return topology;
}

describe('webhook events', () => {
  let harness: Harness;
  let receiver: FakeReceiver;

  async function start(webhook: Partial<AppWebhook> = {}): Promise<void> {
    receiver = new FakeReceiver();
    harness = await Harness.start({ topology: topologyWith(webhook), fetch: receiver.fetch });
  }

  afterEach(() => harness.stop());

  it('an offline recipient: one message.stored, signed, without the content, with an id derived from the message', async () => {
    await start();
    const message = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'ANZ-2', content: 'hello' } });
    await harness.send(message);
    await harness.settled();
    const [request] = await waitFor('one webhook request', () => (receiver.requests.length > 0 ? receiver.requests : undefined));
    expect(request.url).toBe(URL);
    const [, t, mac] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(request.headers[WEBHOOK_SIGNATURE_HEADER]) ?? [];
    expect(mac).toBe(createHmac('sha256', SECRET).update(`${t}.${request.body}`).digest('hex'));
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    expect(request.batch.events).toEqual([
      {
        id: `${message.id}.stored.ANZ-2`,
        type: 'message.stored',
        app: 'ANZ',
        domain: DOMAIN,
        at: expect.any(Number) as number,
        data: { messageId: message.id, to: 'ANZ-2', from: 'ANZ-1' },
      },
    ]);
  });

  it('carries the content when the app opts in', async () => {
    await start({ includeContent: true });
    await harness.send(intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'ANZ-2', content: 'for the push notification' } }));
    const [event] = await waitFor('an event', () => (receiver.events.length > 0 ? receiver.events : undefined));
    expect(event.data).toEqual(expect.objectContaining({ content: 'for the push notification' }));
  });

  it('nothing for a recipient online, nor for a FAST message, nor for a type the app does not take', async () => {
    await start({ events: ['message.dead_lettered'] });
    const c1 = await harness.connector('connector-01');
    await c1.connect('ANZ-3');
    await harness.send(intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'ANZ-3', content: 'live' } }));
    await harness.send(intake({ type: 'MESSAGE', from: 'ANZ-1', lane: 'FAST', data: { to: 'ANZ-2', content: 'fast' } }));
    await harness.send(intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'ANZ-2', content: 'stored' } }));
    await harness.settled();
    expect(await harness.mailbox.count('ANZ-2')).toBe(1);
    // a dead letter after them, keyed like them (by app): once it arrived, anything before it would have too
    await harness.send(intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'NOPE-1', content: 'x' } }));
    await waitFor('the dead letter event', () => receiver.events.length > 0);
    expect(receiver.events.map((event) => event.type)).toEqual(['message.dead_lettered']);
  });

  it('a dead letter: message.dead_lettered with the reason, to the sender app', async () => {
    await start();
    const message = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'NOPE-1', content: 'x' } });
    await harness.send(message);
    const [event] = await waitFor('an event', () => (receiver.events.length > 0 ? receiver.events : undefined));
    expect(event).toEqual(
      expect.objectContaining({
        type: 'message.dead_lettered',
        app: 'ANZ',
        id: expect.stringMatching(`^${message.id}\\.dead_lettered\\.`),
      }),
    );
    expect(event.data).toEqual({ messageId: message.id, from: 'ANZ-1', reason: expect.stringContaining('NOPE-1') as string });
  });
});

describe('webhooks added by a topology edit', () => {
  it('are sent from then on, without a restart (the senders join when the first app has a webhook)', async () => {
    const broker = new MemoryBroker();
    const lanes = memoryLanes(broker);
    const receiver = new FakeReceiver();
    let view = new TopologyView(anzTopology());
    const processor = new Processor({
      config: processorSettings({ domain: DOMAIN, partitions: 4 }),
      lanes,
      presence: new MemoryPresence(),
      mailbox: new MemoryMailbox(),
      topology: () => view,
      logger: silentLogger,
      fetch: receiver.fetch,
    });
    await processor.start();
    try {
      view = new TopologyView(topologyWith({}));
      processor.topologyChanged(view, 'with-webhook');
      const message = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'ANZ-2', content: 'after the edit' } });
      await lanes.RELIABLE.publish(intakeTopic(DOMAIN), [{ key: message.from, value: encodeEnvelope(message) }]);
      await waitFor('the event', () => receiver.events.some((event) => event.id === `${message.id}.stored.ANZ-2`), { timeoutMs: 4_000 });
    } finally {
      await processor.stop();
      await lanes.close();
    }
  });
});
