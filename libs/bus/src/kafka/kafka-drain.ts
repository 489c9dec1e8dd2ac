import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '@linker/observability';
import type { DrainOptions } from '../bus.port';
import type { KafkaTuning } from './kafka-config';
import { toLinkerError } from './kafka-errors';
import { KafkaSubscription } from './kafka-subscription';

/** Per partition: the log start offset and the high watermark, as of one moment. */
type Ends = ReadonlyMap<number, { readonly low: bigint; readonly high: bigint }>;

/**
 * `KafkaBus.drain`. Captures the topic's high watermarks, and unless the group has already committed up to them
 * (a partition with no commit counts from its log start), joins the group as an ordinary member (`KafkaSubscription`:
 * same tuning, `fromBeginning`, commit after each batch), polls the group's committed offsets every `drainPollMs`
 * until they reached those watermarks on every partition (whichever member committed them), then leaves.
 * Resolves true once drained (at once when there was nothing to drain or no such topic), false when `stop` aborted
 * first (after leaving: the batch in hand finished and committed). Broker errors reject with the adapter's
 * `LinkerError`s (`toLinkerError`), after leaving the group.
 * Assumes the topic has no transaction markers (our producer is idempotent, not transactional): otherwise the high
 * watermark could sit one past the last record's offset + 1 and never be committed.
 */
export async function drainKafkaGroup(
  kafka: Kafka,
  options: DrainOptions,
  stop: AbortSignal,
  tuning: KafkaTuning,
  logger: Logger,
): Promise<boolean> {
  const { topic, group, handler } = options;
  const log = logger.child({ topic, group, operation: 'drain' });
  const admin = kafka.admin({ retry: tuning.retry });
  try {
    await admin.connect();
    const ends = await endsOf(admin, topic);
    if (ends === undefined || (await hasCommitted(admin, group, topic, ends))) return true;
    if (stop.aborted) return false;
    log.debug('joining the group to drain it', { ends: Object.fromEntries([...ends].map(([p, e]) => [p, e.high.toString()])) });
    const subscription = await KafkaSubscription.start(kafka, { topic, group, handler }, tuning, log);
    try {
      return await untilCommitted(admin, subscription, { topic, group, ends, stop, pollMs: tuning.drainPollMs });
    } finally {
      await subscription.close();
    }
  } catch (cause) {
    throw toLinkerError(cause, `drain ${topic} as ${group}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The topic's offsets now, or undefined when it does not exist (checked first: kafkajs retries an unknown topic). */
async function endsOf(admin: Admin, topic: string): Promise<Ends | undefined> {
  if (!(await admin.listTopics()).includes(topic)) return undefined;
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]));
}

/** Whether the group's position (its commit, or the log start without one) reached `high` on every partition. */
async function hasCommitted(admin: Admin, group: string, topic: string, ends: Ends): Promise<boolean> {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const committed = new Map((offsets?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  return [...ends].every(([partition, { low, high }]) => {
    const offset = committed.get(partition) ?? -1n; // -1: no commit
    return (offset > low ? offset : low) >= high;
  });
}

interface Target {
  topic: string;
  group: string;
  ends: Ends;
  stop: AbortSignal;
  pollMs: number;
}

/** True once the group committed `ends`; false when `stop` aborted first; rejects if the member crashed for good. */
async function untilCommitted(admin: Admin, member: KafkaSubscription, { topic, group, ends, stop, pollMs }: Target): Promise<boolean> {
  for (;;) {
    if (member.failure) throw member.failure;
    if (stop.aborted) return false;
    if (await hasCommitted(admin, group, topic, ends)) return true;
    await pause(pollMs, stop);
  }
}

/** Wait `ms`, or less if `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
