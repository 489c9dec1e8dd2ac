import { setting } from '@linker/config';
import { busSecuritySettings } from './bus-security.settings';

/** How an app reaches its lanes in real mode; part of the connector's and the processor's config. */
export const busSettings = {
  kafkaBrokers: setting({
    env: 'LINKER_KAFKA_BROKERS',
    kind: 'list',
    doc: 'Kafka bootstrap servers (host:port, comma-separated) of the RELIABLE lane.',
  }),
  natsUrl: setting({ env: 'LINKER_NATS_URL', kind: 'url', doc: 'NATS server URL of the FAST lane.' }),
  natsWriteDelayMs: setting({
    env: 'LINKER_NATS_WRITE_DELAY_MS',
    kind: 'integer',
    default: 0,
    min: 0,
    max: 50,
    doc: "How long FAST publishes may wait to leave together in one NATS message (per subject). 0: at the end of the event-loop turn, no added latency. 1 ms halved the NATS server's CPU per message in real mode at 5,000–8,000 msg/s (and cut the processor's by a fifth), for about 1 ms more p50 end to end.",
  }),
  partitions: setting({
    env: 'LINKER_PARTITIONS',
    kind: 'integer',
    default: 12,
    min: 1,
    max: 1024,
    doc: 'Partitions of each Kafka topic the apps create: the most processors that share RELIABLE work.',
  }),
  ...busSecuritySettings,
};
