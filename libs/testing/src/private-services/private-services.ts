import type { TestServices } from '../services';
import { PrivateFerretDb } from './private-ferretdb';
import { PrivateKafka } from './private-kafka';
import { PrivateNats } from './private-nats';
import { PrivateRedis } from './private-redis';
import type { PrivateService } from './private-service';

/**
 * All four real services as private instances (Kafka, NATS, Redis, FerretDB), for a test that kills or restarts them:
 * `services` is what `testServices()` gives for the shared ones, so a real-mode domain runs on them with
 * `startRealDomain(options, { services })`. Always `stop()` them in afterAll or finally.
 */
export class PrivateServices {
  private constructor(
    readonly kafka: PrivateKafka,
    readonly nats: PrivateNats,
    readonly redis: PrivateRedis,
    readonly ferretDb: PrivateFerretDb,
  ) {}

  /** Start the four at once; if one fails, the others are stopped and the failure (every one of them) is thrown. */
  static async start(): Promise<PrivateServices> {
    const starting = [PrivateKafka.start(), PrivateNats.start(), PrivateRedis.start(), PrivateFerretDb.start()] as const;
    const settled = await Promise.allSettled(starting);
    const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (failures.length > 0) {
      await Promise.all(settled.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
      throw new AggregateError(failures, `private services did not start: ${failures.map(String).join('; ')}`);
    }
    const [kafka, nats, redis, ferretDb] = await Promise.all(starting);
    return new PrivateServices(kafka, nats, redis, ferretDb);
  }

  get services(): TestServices {
    return { kafkaBrokers: this.kafka.brokers, natsUrl: this.nats.url, redisUrl: this.redis.url, mongodbUrl: this.ferretDb.url };
  }

  get all(): readonly PrivateService[] {
    return [this.kafka, this.nats, this.redis, this.ferretDb];
  }

  /** Stop all four (kill, delete their directories). Idempotent. */
  async stop(): Promise<void> {
    await Promise.all(this.all.map((service) => service.stop()));
  }
}
