import { KafkaBus } from '@linker/bus';
import { silentLogger } from '@linker/observability';
import { uniqueName } from '../unique-name';
import { waitFor } from '../wait-for';
import { PrivateKafka } from './private-kafka';
import { stopAndFindLeftovers } from './private-service';

/** A private Kafka through the RELIABLE lane's own adapter: one broker for the file (each start costs seconds). */
describe('PrivateKafka', () => {
  let kafka: PrivateKafka;
  const buses: KafkaBus[] = [];
  // Few, short retries: a publish to the killed broker gives up in seconds, not the product's default.
  const connect = async (): Promise<KafkaBus> => {
    const bus = await KafkaBus.connect({
      brokers: kafka.brokers,
      clientId: uniqueName('private-kafka'),
      logger: silentLogger,
      tuning: { retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } },
    });
    buses.push(bus);
    return bus;
  };
  const consume = async (bus: KafkaBus, topic: string, group: string, seen: string[]): Promise<{ close(): Promise<void> }> =>
    bus.subscribe({ topic, group, handler: async (records) => void seen.push(...records.map((record) => record.value.toString())) });
  const record = (value: string) => ({ key: 'one-key', value: Buffer.from(value) });

  beforeAll(async () => {
    kafka = await PrivateKafka.start();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await kafka?.stop();
  });

  it('serves on its own port, advertised as its broker address, and says how long it took to start', async () => {
    expect(kafka.brokers).toEqual([`127.0.0.1:${kafka.port}`]);
    expect(kafka.controllerPort).not.toBe(kafka.port);
    expect(kafka.lastStartMs).toBeGreaterThan(0);
  });

  it('keeps its records and committed offsets across a kill -9 and a start; publishing fails while it is down', async () => {
    const bus = await connect();
    const [topic, group] = [uniqueName('restart'), uniqueName('g')];
    await bus.ensureTopics([topic], 1);
    await bus.publish(topic, [record('a1'), record('a2')]);
    const before: string[] = [];
    const member = await consume(bus, topic, group, before);
    await waitFor('the group to handle a1 and a2', () => before.length >= 2, { timeoutMs: 30_000 });
    await member.close(); // a graceful leave commits what was handled

    await kafka.kill();
    await expect(bus.publish(topic, [record('lost')])).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE', retriable: true });

    await kafka.start();
    expect(kafka.lastStartMs).toBeGreaterThan(0);
    await bus.publish(topic, [record('b1')]); // the same client goes on once the broker is back
    const after: string[] = [];
    await consume(bus, topic, group, after);
    await waitFor('the group to get b1 after the restart', () => after.includes('b1'), { timeoutMs: 60_000 });
    // One partition, in order: had the group's offsets been lost, a1 and a2 would have come first.
    expect(after).toEqual(['b1']);

    const everything: string[] = [];
    await consume(await connect(), topic, uniqueName('g'), everything);
    await waitFor('a new group to read the whole log', () => everything.length >= 3, { timeoutMs: 60_000 });
    expect(everything).toEqual(['a1', 'a2', 'b1']);
  }, 180_000);

  it('stop leaves no process and no directory', async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    expect(await stopAndFindLeftovers(kafka)).toEqual([]);
  });
});
