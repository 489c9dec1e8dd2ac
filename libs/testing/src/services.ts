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
  const v = variablesOf(VARIABLES, 'integration tests need real services', 'eval "$(npm run -s services:up)"');
  return { kafkaBrokers: v.kafkaBrokers.split(','), natsUrl: v.natsUrl, redisUrl: v.redisUrl, mongodbUrl: v.mongodbUrl };
}

/** The value of each of `variables`, or an error naming those unset and saying how to start the services. */
function variablesOf<K extends string>(variables: Record<K, string>, who: string, start: string): Record<K, string> {
  const missing = Object.values<string>(variables).filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${who}, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: ` +
        `run them through \`npm test\`, or start them with \`${start}\` first`,
    );
  }
  return Object.fromEntries(Object.entries<string>(variables).map(([key, name]) => [key, process.env[name] as string])) as Record<
    K,
    string
  >;
}

/** The secured variant of the services (`npm run services:up -- --secured`): TLS with a test CA, and a user everywhere. */
export interface SecuredTestServices {
  /** The test CA's certificate (PEM file) every secured service's certificate is signed by. */
  caFile: string;
  /** A client certificate and key signed by that CA (for mutual TLS). */
  certFile: string;
  keyFile: string;
  username: string;
  password: string;
  kafkaBrokers: string[];
  natsUrl: string;
  redisUrl: string;
  mongodbUrl: string;
  /** The apps' settings that reach these services, as the environment of an app would carry them. */
  env: Record<string, string>;
}

const SECURED_VARIABLES = {
  caFile: 'LINKER_SECURED_TLS_CA_FILE',
  certFile: 'LINKER_SECURED_TLS_CERT_FILE',
  keyFile: 'LINKER_SECURED_TLS_KEY_FILE',
  username: 'LINKER_SECURED_USERNAME',
  password: 'LINKER_SECURED_PASSWORD',
  kafkaBrokers: 'LINKER_SECURED_KAFKA_BROKERS',
  kafkaSaslMechanism: 'LINKER_SECURED_KAFKA_SASL_MECHANISM',
  natsUrl: 'LINKER_SECURED_NATS_URL',
  redisUrl: 'LINKER_SECURED_REDIS_URL',
  mongodbUrl: 'LINKER_SECURED_MONGODB_URL',
} as const;

/**
 * The secured services of this test run (Kafka over SASL_SSL, NATS with TLS and a user, Redis with TLS and an ACL
 * user, FerretDB with TLS). Integration tests call this instead of skipping: without them they fail, saying how to
 * start them.
 */
export function securedTestServices(): SecuredTestServices {
  const v = variablesOf(SECURED_VARIABLES, 'these tests need the secured services', 'eval "$(npm run -s services:up -- --secured)"');
  const { caFile, username, password } = v;
  return {
    caFile,
    certFile: v.certFile,
    keyFile: v.keyFile,
    username,
    password,
    kafkaBrokers: v.kafkaBrokers.split(','),
    natsUrl: v.natsUrl,
    redisUrl: v.redisUrl,
    mongodbUrl: v.mongodbUrl,
    env: {
      LINKER_KAFKA_BROKERS: v.kafkaBrokers,
      LINKER_KAFKA_TLS_CA_FILE: caFile,
      LINKER_KAFKA_SASL_MECHANISM: v.kafkaSaslMechanism,
      LINKER_KAFKA_SASL_USERNAME: username,
      LINKER_KAFKA_SASL_PASSWORD: password,
      LINKER_NATS_URL: v.natsUrl,
      LINKER_NATS_TLS_CA_FILE: caFile,
      LINKER_NATS_USER: username,
      LINKER_NATS_PASSWORD: password,
      LINKER_REDIS_URL: v.redisUrl,
      LINKER_REDIS_TLS_CA_FILE: caFile,
      LINKER_REDIS_USERNAME: username,
      LINKER_REDIS_PASSWORD: password,
      LINKER_MONGODB_URL: v.mongodbUrl,
    },
  };
}
