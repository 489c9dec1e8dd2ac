import { MemoryBroker, memoryLanes, type Lanes } from '@linker/bus';
import { verifyWebhook } from '@linker/client-sdk';
import { WEBHOOK_SIGNATURE_HEADER, webhookParkedTopic, webhookRetryTopic, webhookTopic, type WebhookEvent } from '@linker/contracts';
import { RecordingLogger, waitFor } from '@linker/testing';
import { TopologyView } from '@linker/topology';
import { webhookSettings, type WebhookSettings } from '../../src/config/webhook.config';
import { WebhookSender } from '../../src/webhooks/webhook-sender';
import { anzTopology } from '../testing/harness';
import { FakeReceiver } from './testing/fake-receiver';

// Sending webhooks (docs/protocol.md, Webhooks): batches, signatures, retries from the retry topic, what is dropped
// and counted, and a dead receiver of one app costing another app nothing. Time is a fake clock that a retry pass's
// wait moves forward, so hours of backoff take milliseconds.

const DOMAIN = 'domain-01';
const SECRET = 'a-webhook-signing-secret-of-32-characters-or-more';
const DEFAULTS = Object.fromEntries(Object.entries(webhookSettings).map(([key, setting]) => [key, setting.default])) as WebhookSettings;

function topology(): TopologyView {
  const topology = anzTopology([{ appName: 'OTHER', appId: 'other', authEnabled: false }]);
  for (const app of topology.clientApps) app.webhook = { url: `http://backend.test/${app.appName}`, secret: SECRET };
  return new TopologyView(topology);
}

let sequence = 0;
function events(app: string, count: number, content = ''): WebhookEvent[] {
  return Array.from({ length: count }, () => {
    const id = `m${++sequence}`;
    return {
      id: `${id}.stored.${app}-2`,
      type: 'message.stored',
      app,
      domain: DOMAIN,
      at: 1,
      data: { messageId: id, to: `${app}-2`, from: `${app}-1`, content },
    };
  });
}

describe('WebhookSender', () => {
  let lanes: Lanes;
  let now: number;
  let logger: RecordingLogger;
  const senders: WebhookSender[] = [];

  beforeEach(() => {
    lanes = memoryLanes(new MemoryBroker());
    now = 1_800_000_000_000;
    logger = new RecordingLogger();
  });

  afterEach(async () => {
    await Promise.all(senders.splice(0).map((sender) => sender.stop()));
    await lanes.close();
  });

  async function sender(receiver: FakeReceiver, settings: Partial<WebhookSettings> = {}, realTime = false): Promise<WebhookSender> {
    const clock = realTime ? { now: () => Date.now() } : { now: () => now };
    const sleep = realTime ? undefined : async (ms: number) => void (now += ms);
    const started = new WebhookSender({
      bus: lanes.RELIABLE,
      domain: DOMAIN,
      partitions: 2,
      settings: { ...DEFAULTS, ...settings },
      topology,
      fetch: receiver.fetch,
      clock,
      logger,
      random: () => 1,
      ...(sleep ? { sleep } : {}),
    });
    await started.start();
    senders.push(started);
    return started;
  }

  function publish(list: WebhookEvent[]): Promise<void> {
    return lanes.RELIABLE.publish(
      webhookTopic(DOMAIN),
      list.map((event) => ({ key: event.app, value: Buffer.from(JSON.stringify(event)) })),
    );
  }

  it('sends events in signed batches of at most 100, which verifyWebhook accepts', async () => {
    const receiver = new FakeReceiver();
    await sender(receiver);
    const sent = events('ANZ', 250);
    await publish(sent);
    await waitFor('250 events received', () => receiver.events.length >= 250);
    expect(receiver.requests.map((request) => request.batch.events.length)).toEqual([100, 100, 50]);
    expect(receiver.events.map((event) => event.id)).toEqual(sent.map((event) => event.id));
    for (const request of receiver.requests) {
      const verified = await verifyWebhook(SECRET, request.headers[WEBHOOK_SIGNATURE_HEADER], request.body, { now });
      expect(verified.ok).toBe(true);
    }
  });

  it('keeps each request under 64 KB of body', async () => {
    const receiver = new FakeReceiver();
    await sender(receiver);
    await publish(events('ANZ', 10, 'x'.repeat(20_000)));
    await waitFor('10 events received', () => receiver.events.length >= 10);
    expect(receiver.requests.length).toBeGreaterThan(3);
    for (const request of receiver.requests) expect(Buffer.byteLength(request.body)).toBeLessThanOrEqual(64 * 1024);
  });

  it('a receiver answering 500 three times then 200 gets the event, with the same id, on the fourth attempt', async () => {
    const receiver = new FakeReceiver((n) => (n < 3 ? 500 : 200));
    const started = await sender(receiver);
    const [event] = events('ANZ', 1);
    await publish([event]);
    await waitFor('the fourth request', () => started.report().ANZ?.sent === 1);
    expect(receiver.requests.map((request) => request.batch.events.map((e) => e.id))).toEqual([
      [event.id],
      [event.id],
      [event.id],
      [event.id],
    ]);
    expect(started.report().ANZ).toEqual({ sent: 1, failed: 3, dropped: 0, pending: 0 });
  });

  it('drops a batch after LINKER_WEBHOOK_MAX_ATTEMPTS attempts, counted and logged', async () => {
    const receiver = new FakeReceiver(() => 503);
    const started = await sender(receiver, { webhookMaxAttempts: 3 });
    await publish(events('ANZ', 2));
    await waitFor('the batch dropped', () => started.report().ANZ?.dropped === 2);
    expect(receiver.requests).toHaveLength(3);
    expect(logger.find('webhook events dropped', { app: 'ANZ', events: 2 })).toHaveLength(1);
  });

  it('drops a batch first tried over an hour ago, whatever its attempts', async () => {
    const receiver = new FakeReceiver(() => 500);
    const started = await sender(receiver, { webhookMaxAttempts: 100 });
    const first = now;
    await publish(events('ANZ', 1));
    await waitFor('the batch dropped', () => started.report().ANZ?.dropped === 1, { timeoutMs: 20_000 });
    expect(now - first).toBeGreaterThan(60 * 60_000);
    expect(now - first).toBeLessThan(60 * 60_000 + 10 * 60_000);
    expect(receiver.requests.length).toBeLessThan(100);
  });

  it("bounds an app's retry backlog: beyond LINKER_WEBHOOK_MAX_PENDING the oldest events are dropped", async () => {
    const receiver = new FakeReceiver(() => 500);
    const started = await sender(receiver, { webhookMaxPending: 5, webhookMaxAttempts: 100 });
    for (let i = 0; i < 12; i++) await publish(events('ANZ', 1));
    await waitFor('7 events dropped', () => (started.report().ANZ?.dropped ?? 0) >= 7);
    expect(started.report().ANZ?.pending).toBeLessThanOrEqual(5);
    expect(logger.find('webhook events dropped', { reason: 'the retry backlog is full' }).length).toBeGreaterThan(0);
  });

  it('a receiver that stays down gets one request per pause; its backlog is written back a few times a minute', async () => {
    const receiver = new FakeReceiver(() => 500);
    const written = jest.spyOn(lanes.RELIABLE, 'publish');
    const eventsWritten = (topic: string): number =>
      written.mock.calls
        .filter(([to]) => to === topic)
        .flatMap(([, records]) => records)
        .reduce((sum, record) => sum + (JSON.parse(record.value.toString()) as { events: unknown[] }).events.length, 0);
    const started = await sender(receiver, { webhookMaxAttempts: 1_000 });
    const first = now;
    for (let i = 0; i < 20; i++) await publish(events('ANZ', 1));
    await waitFor('the 20 events dropped an hour after their first attempt', () => started.report().ANZ?.dropped === 20, {
      timeoutMs: 20_000,
    });
    const elapsed = now - first;
    let pauses = 0; // 1 s, doubling, at most 5 min
    for (let t = 0, pause = 1_000; t < elapsed; t += pause, pause = Math.min(2 * pause, 5 * 60_000)) pauses++;
    expect(receiver.requests.length).toBeLessThanOrEqual(pauses + 1);
    // The 20 events wait on the parked topic, read back every 15 s at most (and once when a pause ends), not every 2 s.
    const back = eventsWritten(webhookRetryTopic(DOMAIN)) + eventsWritten(webhookParkedTopic(DOMAIN));
    expect(eventsWritten(webhookParkedTopic(DOMAIN))).toBeGreaterThan(eventsWritten(webhookRetryTopic(DOMAIN)));
    expect(back).toBeLessThanOrEqual(20 * (Math.ceil(elapsed / 15_000) + pauses + 1));
  });

  it("a receiver that never answers costs another app's events nothing once its first request timed out", async () => {
    const receiver = new FakeReceiver((_, request) => (request.url.endsWith('/ANZ') ? 'hang' : 200));
    await sender(receiver, { webhookTimeoutMs: 1_000 }, true);
    await publish([...events('ANZ', 1), ...events('OTHER', 1)]);
    await waitFor('the first ANZ request to time out', () => logger.find('webhook request failed', { app: 'ANZ' }).length > 0);
    for (let round = 0; round < 5; round++) {
      const other = events('OTHER', 1);
      const start = Date.now();
      await publish([...events('ANZ', 1), ...other]);
      await waitFor('the OTHER event', () => receiver.events.some((event) => event.id === other[0].id));
      expect(Date.now() - start).toBeLessThan(500);
    }
  });

  it('a sender stopped while events wait for a retry puts them back: the next one sends them', async () => {
    const failing = await sender(new FakeReceiver(() => 500), {}, true);
    const sent = events('ANZ', 3);
    await publish(sent);
    await waitFor('events pending a retry', () => (failing.report().ANZ?.pending ?? 0) === 3);
    await failing.stop();
    const receiver = new FakeReceiver();
    await sender(receiver, {}, true);
    await waitFor('the 3 events received', () => receiver.events.length >= 3);
    expect(new Set(receiver.events.map((event) => event.id))).toEqual(new Set(sent.map((event) => event.id)));
  });
});
