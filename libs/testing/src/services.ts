/* Test code is the one other reader of process.env: it learns where `npm run services:up` put the real services. */

export interface TestServices {
  kafkaBrokers: string[];
  natsUrl: string;
  redisUrl: string;
  mongodbUrl: string;
}

const VARIABLES = {
  kafkaBrokers: 'LINKER_KAFKA_BROKERS',
  natsUrl: 'LINKER_NATS_URL',
  redisUrl: 'LINKER_REDIS_URL',
  mongodbUrl: 'LINKER_MONGODB_URL',
} as const;

/**
 * The real services of this test run. Integration tests call this instead of skipping: with a service missing
 * they fail, saying how to start it.
 */
export function testServices(): TestServices {
  const missing = Object.values(VARIABLES).filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `integration tests need real services, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: ` +
        'run them through `npm test`, or start them with `eval "$(npm run -s services:up)"` first',
    );
  }
  const env = (name: string): string => process.env[name] as string;
  return {
    kafkaBrokers: env(VARIABLES.kafkaBrokers).split(','),
    natsUrl: env(VARIABLES.natsUrl),
    redisUrl: env(VARIABLES.redisUrl),
    mongodbUrl: env(VARIABLES.mongodbUrl),
  };
}
