import { partitionFor } from './memory/partitioner';

/**
 * FAST intake partitioning: NATS core has no partitions, so a partitioned FAST topic is one subject per partition,
 * `<topic>.p<partition>`, with Kafka's partitioner (murmur2) so a key maps to the same partition number as on the
 * RELIABLE topic of the same name and partition count. Publishers and subscribers must agree on `partitions`.
 */
export const partitionSubject = (topic: string, partition: number): string => `${topic}.p${partition}`;

/** The FAST subject a record keyed by `key` is published to when `topic` is partitioned into `partitions`. */
export const fastPartitionSubject = (topic: string, key: string, partitions: number): string =>
  partitionSubject(topic, partitionFor(key, partitions));

export { partitionFor };
