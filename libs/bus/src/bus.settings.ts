import { setting } from '@linker/config';

/** How an app reaches its lanes in real mode; part of the connector's and the processor's config. */
export const busSettings = {
  kafkaBrokers: setting({ env: 'LINKER_KAFKA_BROKERS', kind: 'list', doc: 'Kafka bootstrap servers (host:port, comma-separated) of the RELIABLE lane.' }),
  natsUrl: setting({ env: 'LINKER_NATS_URL', kind: 'url', doc: 'NATS server URL of the FAST lane.' }),
  partitions: setting({ env: 'LINKER_PARTITIONS', kind: 'integer', default: 12, min: 1, max: 1024, doc: 'Partitions of each Kafka topic the apps create: the most processors that share RELIABLE work.' }),
};
