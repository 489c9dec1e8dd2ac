import type { Admin, Kafka } from 'kafkajs';
import { LinkerError } from '@linker/kernel';
import type { KafkaTuning } from './kafka-config';
import { toLinkerError } from './kafka-errors';
import type { BusErrorCode } from '../bus.port';

/**
 * Make sure `topics` exist with at least `partitions` partitions: create the missing ones (replication: the broker's
 * default), add partitions to smaller ones, then wait until the metadata shows every partition with a leader.
 * Idempotent and safe to race with another process doing the same.
 */
export async function ensureKafkaTopics(kafka: Kafka, topics: readonly string[], partitions: number, tuning: KafkaTuning): Promise<void> {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new LinkerError<BusErrorCode>('INVALID_ARGUMENT', `partitions must be a positive integer, got ${partitions}`);
  }
  if (topics.length === 0) return;
  const admin = kafka.admin({ retry: tuning.retry });
  const deadline = Date.now() + tuning.topicTimeoutMs;
  try {
    await admin.connect();
    for (let attempt = 1; ; attempt++) {
      try {
        return await ensureOnce(admin, topics, partitions, deadline);
      } catch (cause) {
        // Another process may be creating the same topics: until the metadata has settled the broker answers
        // "does not host this topic-partition" or "leader not available". Look again, until the deadline.
        if (!isTransientTopicError(cause) || Date.now() >= deadline) throw cause;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 500)));
      }
    }
  } catch (cause) {
    throw toLinkerError(cause, `ensure topics ${topics.join(', ')}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function ensureOnce(admin: Admin, topics: readonly string[], partitions: number, deadline: number): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
  }
  await growTopics(
    admin,
    topics.filter((t) => existing.has(t)),
    partitions,
  );
  await waitForTopics(admin, topics, partitions, Math.max(0, deadline - Date.now()));
}

const TRANSIENT_TOPIC_ERRORS = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'TOPIC_ALREADY_EXISTS',
  'NOT_CONTROLLER',
  'REQUEST_TIMED_OUT',
]);

/** A kafkajs error (or one it wraps) that a concurrent creation of the same topics explains. */
function isTransientTopicError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const { type, retriable, cause, errors } = current as { type?: string; retriable?: boolean; cause?: unknown; errors?: unknown[] };
    if ((type !== undefined && TRANSIENT_TOPIC_ERRORS.has(type)) || retriable === true) return true;
    if (Array.isArray(errors) && errors.some((inner) => isTransientTopicError(inner))) return true;
    current = cause;
  }
  return false;
}

async function growTopics(admin: Admin, topics: readonly string[], partitions: number): Promise<void> {
  if (topics.length === 0) return;
  const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
  const small = metadata.topics.filter((t) => t.partitions.length < partitions);
  if (small.length === 0) return;
  await admin.createPartitions({ topicPartitions: small.map((t) => ({ topic: t.name, count: partitions })) });
}

async function waitForTopics(admin: Admin, topics: readonly string[], partitions: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await admin.fetchTopicMetadata({ topics: [...topics] }).catch(() => undefined);
    const ready =
      metadata !== undefined &&
      metadata.topics.length === topics.length &&
      metadata.topics.every((t) => t.partitions.length >= partitions && t.partitions.every((p) => p.leader >= 0));
    if (ready) return;
    if (Date.now() >= deadline) {
      throw new LinkerError<BusErrorCode>(
        'BUS_UNAVAILABLE',
        `topics ${topics.join(', ')} did not get ${partitions} partitions with leaders within ${timeoutMs} ms`,
        {
          retriable: true,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
