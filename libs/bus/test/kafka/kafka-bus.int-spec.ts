import { LinkerError } from '@linker/kernel';
import { silentLogger } from '@linker/observability';
import { testServices, uniqueName, waitFor } from '@linker/testing';
import { busContract } from '@linker/testing/contracts/bus.contract';
import RequestQueue from 'kafkajs/src/network/requestQueue';
import { KafkaBus } from '../../src/kafka/kafka-bus';
import { startDoomedKafkaConsumer } from './testing/doomed-process';

const { kafkaBrokers: brokers } = testServices();
const connect = (): Promise<KafkaBus> => KafkaBus.connect({ brokers, clientId: uniqueName('contract'), logger: silentLogger });

busContract('KafkaBus', {
  lane: 'RELIABLE',
  newBus: connect,
  startDoomedConsumer: (topic, group, stopAfter) => startDoomedKafkaConsumer({ brokers, topic, group, stopAfter }),
  // A killed member's partitions move after its session timeout (6 s) and a rebalance.
  waitMs: 30_000,
  testTimeoutMs: 90_000,
});

describe('KafkaBus', () => {
  const clients: KafkaBus[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('rejects a publish to a topic never ensured with BUS_UNKNOWN_TOPIC, and does not create it', async () => {
    const bus = await connect();
    clients.push(bus);
    const topic = uniqueName('never-ensured');
    await expect(bus.publish(topic, [{ key: 'k', value: Buffer.from('v') }])).rejects.toMatchObject({
      code: 'BUS_UNKNOWN_TOPIC',
      retriable: false,
    });
    await expect(bus.subscribe({ topic, group: uniqueName('g'), handler: async () => undefined })).rejects.toBeInstanceOf(LinkerError);
  }, 60_000);

  it('costs nothing between requests while idle: no check of an empty request queue runs on a timer', async () => {
    const bus = await connect();
    clients.push(bus);
    const topic = uniqueName('idle');
    await bus.ensureTopics([topic], 1);
    await bus.subscribe({ topic, group: uniqueName('g'), handler: async () => undefined });
    const checks = jest.spyOn(RequestQueue.prototype, 'checkPendingRequests');
    try {
      // Idle time passing is what is measured: the member only fetches (a fetch waits up to 500 ms) and heartbeats.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      // A check runs when a request is answered: about 2 fetches and 4 heartbeats a second here. kafkajs 2.2.4 alone
      // ran about a thousand a second per broker connection.
      expect(checks.mock.calls.length).toBeLessThan(100);
    } finally {
      checks.mockRestore();
    }
  }, 60_000);

  it('refuses to connect to a broker that does not answer, with a retriable BUS_UNAVAILABLE', async () => {
    const attempt = KafkaBus.connect({
      brokers: ['127.0.0.1:1'],
      clientId: 'nobody-home',
      logger: silentLogger,
      tuning: { retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 } },
    });
    await expect(attempt).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE', retriable: true });
  });

  it('grows a topic to more partitions and keeps it usable', async () => {
    const bus = await connect();
    clients.push(bus);
    const topic = uniqueName('grow');
    await bus.ensureTopics([topic], 1);
    await bus.ensureTopics([topic], 3);
    const seen: string[] = [];
    await bus.subscribe({ topic, group: uniqueName('g'), handler: async (rs) => void seen.push(...rs.map((r) => r.key)) });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    await bus.publish(
      topic,
      keys.map((key) => ({ key, value: Buffer.from(key) })),
    );
    await waitFor('every key on the grown topic', () => keys.every((k) => seen.includes(k)), { timeoutMs: 20_000 });
    expect([...seen].sort()).toEqual(keys);
  }, 60_000);

  it('lets several processes create the same new topics at once (a connector and processors starting together)', async () => {
    const buses = await Promise.all(Array.from({ length: 4 }, () => connect()));
    clients.push(...buses);
    const topics = [uniqueName('raced-intake'), uniqueName('raced-connector')];
    await Promise.all(buses.map((bus) => bus.ensureTopics(topics, 4)));
    await buses[0].publish(topics[0], [{ key: 'k', value: Buffer.from('v') }]);
    const seen: string[] = [];
    await buses[1].subscribe({ topic: topics[0], group: uniqueName('g'), handler: async (rs) => void seen.push(...rs.map((r) => r.key)) });
    await waitFor('the record on the raced topic', () => seen.includes('k'), { timeoutMs: 20_000 });
  }, 60_000);

  it('publishes more than the broker takes in one request (2,000 records of 1 KB) in order, in several requests', async () => {
    const bus = await connect();
    clients.push(bus);
    const topic = uniqueName('large-publish');
    await bus.ensureTopics([topic], 1);
    const payload = Buffer.alloc(1024, 'x');
    await bus.publish(
      topic,
      Array.from({ length: 2_000 }, (_, i) => ({ key: 'one-key', value: Buffer.concat([Buffer.from(`${i}:`), payload]) })),
    );
    const seen: number[] = [];
    await bus.subscribe({
      topic,
      group: uniqueName('g'),
      handler: async (rs) => void seen.push(...rs.map((r) => Number(r.value.toString('utf8', 0, 8).split(':')[0]))),
    });
    await waitFor('all 2,000 records', () => seen.length >= 2_000, { timeoutMs: 30_000 });
    expect(seen).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
  }, 60_000);
});
