import { connectLanes, fastPartitionSubject, type Lanes } from '@linker/bus';
import { connectorTopic, decodeDelivery, encodeEnvelope, intakeTopic, type Delivery, type Lane } from '@linker/contracts';
import { newMessageId } from '@linker/kernel';
import { silentLogger } from '@linker/observability';
import { testServices, uniqueName, waitFor } from '@linker/testing';
import { TopologyView } from '@linker/topology';
import { processorConfig } from '../src/config/processor.config';
import { openProcessorInfrastructure, type ProcessorInfrastructure } from '../src/infrastructure/processor-infrastructure';
import { Processor } from '../src/processor';

// The processor on the real services: Kafka and NATS lanes, Redis presence, the MongoDB mailbox. Domains share the
// test cluster, so this also proves one domain's processors are not disturbed by another's (their own Kafka group).
describe('processor on the real services', () => {
  const services = testServices();
  const domain = uniqueName('domain');
  const database = uniqueName('processor');
  const config = processorConfig.load({
    LINKER_DOMAIN: domain,
    LINKER_PARTITIONS: '2',
    LINKER_KAFKA_BROKERS: services.kafkaBrokers.join(','),
    LINKER_NATS_URL: services.natsUrl,
    LINKER_REDIS_URL: services.redisUrl,
    LINKER_MONGODB_URL: services.mongodbUrl,
    LINKER_MONGODB_DATABASE: database,
  });
  const view = new TopologyView({
    domains: [{ name: domain, urls: [] }],
    domainLinks: [],
    clientApps: [{ appName: 'ANZ', appId: 'app-id-343', authEnabled: false }],
  });
  const received: Array<{ lane: Lane; delivery: Delivery }> = [];
  let infrastructure: ProcessorInfrastructure;
  let processor: Processor;
  let connectorLanes: Lanes;

  beforeAll(async () => {
    infrastructure = await openProcessorInfrastructure(config, silentLogger);
    processor = new Processor({ config, ...infrastructure, topology: () => view, logger: silentLogger });
    await processor.start();
    connectorLanes = await connectLanes({
      kafkaBrokers: services.kafkaBrokers,
      natsUrl: services.natsUrl,
      clientId: 'fake-connector',
      logger: silentLogger,
    });
    const topic = connectorTopic(domain, 'connector-01');
    for (const lane of ['RELIABLE', 'FAST'] as const) {
      await connectorLanes[lane].ensureTopics([topic], 2);
      await connectorLanes[lane].subscribe({
        topic,
        group: uniqueName('connector-01'),
        handler: async (records) => void records.forEach((r) => received.push({ lane, delivery: decodeDelivery(r.value) })),
      });
    }
  }, 60_000);

  afterAll(async () => {
    await processor.stop();
    await connectorLanes.close();
    const left = await infrastructure.mailbox.oldest('ANZ-3', 100);
    await infrastructure.mailbox.remove(
      'ANZ-3',
      left.map((m) => m.id),
    );
    await infrastructure.close();
  });

  const send = (lane: Lane, to: string, content: string) => {
    const envelope = {
      id: newMessageId(),
      lane,
      type: 'MESSAGE',
      from: 'ANZ-1',
      data: { to, content },
      path: [domain],
      createdAt: Date.now(),
      hops: 0,
    };
    // As a connector does: FAST intake records go to the key's partition subject (ADR 0002).
    const topic = lane === 'FAST' ? fastPartitionSubject(intakeTopic(domain), 'ANZ-1', config.partitions) : intakeTopic(domain);
    return connectorLanes[lane].publish(topic, [{ key: 'ANZ-1', value: encodeEnvelope(envelope) }]).then(() => envelope);
  };

  it.each(['RELIABLE', 'FAST'] as const)(
    'routes a %s message to the recipient connector on its lane',
    async (lane) => {
      await infrastructure.presence.add('ANZ-2', { domain, connector: 'connector-01', socketId: 's1' });
      const sent = await send(lane, 'ANZ-2', `hello ${lane}`);
      const got = await waitFor(`the ${lane} delivery`, () => received.find((r) => r.delivery.envelope.id === sent.id), {
        timeoutMs: 30_000,
      });
      expect(got.lane).toBe(lane);
      expect(got.delivery.targets).toEqual([{ userId: 'ANZ-2', socketIds: ['s1'] }]);
    },
    60_000,
  );

  it('stores an offline RELIABLE message in MongoDB', async () => {
    const sent = await send('RELIABLE', 'ANZ-3', 'for later');
    const stored = await waitFor('the stored message', async () => (await infrastructure.mailbox.oldest('ANZ-3', 10))[0], {
      timeoutMs: 30_000,
    });
    expect(stored).toMatchObject({ id: sent.id, from: 'ANZ-1', to: 'ANZ-3', data: { content: 'for later' } });
  }, 60_000);
});
