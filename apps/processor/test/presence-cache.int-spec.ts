import { createHash } from 'node:crypto';
import { connectLanes, fastPartitionSubject, type Lanes } from '@linker/bus';
import { connectorTopic, decodeDelivery, encodeEnvelope, intakeTopic, type Delivery } from '@linker/contracts';
import { newMessageId } from '@linker/kernel';
import { silentLogger } from '@linker/observability';
import { PrivateRedis, testServices, uniqueName, waitFor } from '@linker/testing';
import { TopologyView } from '@linker/topology';
import { LOOKUP, LOOKUP_RAW } from '../../../libs/presence/src/redis/presence-scripts';
import { processorConfig } from '../src/config/processor.config';
import { openProcessorInfrastructure } from '../src/infrastructure/processor-infrastructure';
import { Processor } from '../src/processor';

const MESSAGES = 40;
const LOOKUP_SHAS = new Set([LOOKUP, LOOKUP_RAW].map((lua) => createHash('sha1').update(lua).digest('hex')));

/**
 * Redis commands per delivered message, with the presence cache on and off, for a steady pair of users: one FAST
 * message at a time from ANZ-1 to ANZ-2 (each its own batch), through a processor on the real lanes and a private
 * redis-server (so that every command counted is this processor's). Counted with MONITOR, not timed.
 */
describe('processor presence cache: Redis commands per message', () => {
  const services = testServices();
  let redis: PrivateRedis;
  let connectorLanes: Lanes;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    connectorLanes = await connectLanes({
      kafkaBrokers: services.kafkaBrokers,
      natsUrl: services.natsUrl,
      clientId: 'fake-connector',
      logger: silentLogger,
    });
  }, 60_000);

  afterAll(async () => {
    await connectorLanes?.close();
    await redis?.stop();
  });

  /** Runs MESSAGES messages through a processor with `cache` on or off; returns the commands seen meanwhile. */
  async function run(cache: boolean): Promise<{ lookups: number; commands: number; inScripts: number }> {
    const domain = uniqueName('domain');
    const config = processorConfig.load({
      LINKER_DOMAIN: domain,
      LINKER_PARTITIONS: '1',
      LINKER_KAFKA_BROKERS: services.kafkaBrokers.join(','),
      LINKER_NATS_URL: services.natsUrl,
      LINKER_REDIS_URL: redis.url,
      LINKER_MONGODB_URL: services.mongodbUrl,
      LINKER_MONGODB_DATABASE: uniqueName('processor'),
      LINKER_PROCESSOR_SWEEP_INTERVAL_MS: '600000',
      LINKER_PRESENCE_CACHE: String(cache),
    });
    const view = new TopologyView({
      domains: [{ name: domain, urls: [] }],
      domainLinks: [],
      clientApps: [{ appName: 'ANZ', appId: 'app-id-343', authEnabled: false }],
    });
    const infrastructure = await openProcessorInfrastructure(config, silentLogger);
    const processor = new Processor({ config, ...infrastructure, topology: () => view, logger: silentLogger });
    const received: Delivery[] = [];
    try {
      await processor.start();
      const topic = connectorTopic(domain, 'connector-01');
      await connectorLanes.FAST.ensureTopics([topic], 1);
      await connectorLanes.FAST.subscribe({
        topic,
        group: uniqueName('connector-01'),
        handler: async (records) => void records.forEach((r) => received.push(decodeDelivery(r.value))),
      });
      await infrastructure.presence.heartbeat('connector-01', 600_000);
      for (const user of ['ANZ-1', 'ANZ-2'])
        await infrastructure.presence.add(user, { domain, connector: 'connector-01', socketId: `s-${user}` });
      const send = async (): Promise<void> => {
        const envelope = {
          id: newMessageId(),
          lane: 'FAST' as const,
          type: 'MESSAGE',
          from: 'ANZ-1',
          data: { to: 'ANZ-2', content: 'hi' },
          path: [domain],
          createdAt: Date.now(),
          hops: 0,
        };
        await connectorLanes.FAST.publish(fastPartitionSubject(intakeTopic(domain), 'ANZ-1', config.partitions), [
          { key: 'ANZ-1', value: encodeEnvelope(envelope) },
        ]);
        await waitFor(`the delivery of ${envelope.id}`, () => received.some((d) => d.envelope.id === envelope.id), { timeoutMs: 30_000 });
      };
      await send(); // the processor's subscriptions are live, the pair looked up once
      if (cache) {
        // Redis's own invalidations of the adds above may still drop what that first batch read: the steady state is
        // reached once a message goes through without a command (at once, or after a read or two).
        await waitFor('a message delivered with no Redis command', async () => (await redis.commandsDuring(send)).length === 0, {
          timeoutMs: 30_000,
        });
      }
      const lines = await redis.commandsDuring(async () => {
        for (let i = 0; i < MESSAGES; i++) await send();
      });
      const lookups = lines.filter((line) => line.startsWith('evalsha') && LOOKUP_SHAS.has(line.split(' ')[1])).length;
      const inScripts = lines.filter((line) => line.startsWith('lua:')).length;
      return { lookups, commands: lines.length - inScripts, inScripts };
    } finally {
      await processor.stop();
      await infrastructure.close();
    }
  }

  it('reads presence once per batch without the cache, and not at all for a steady pair with it', async () => {
    const off = await run(false);
    const on = await run(true);
    // The figures of the report: commands per delivered message.
    const figures = (r: typeof on) =>
      `${r.commands / MESSAGES} commands sent (${r.lookups / MESSAGES} lookup scripts), ${r.inScripts / MESSAGES} run inside scripts`;
    process.stdout.write(`per delivered message, ${MESSAGES} messages: cache off ${figures(off)}; cache on ${figures(on)}\n`);
    expect(off.lookups).toBeGreaterThanOrEqual(MESSAGES);
    expect(on.lookups).toBe(0);
    expect(on.commands + on.inScripts).toBe(0);
  }, 180_000);
});
