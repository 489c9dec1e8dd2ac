import { silentLogger } from '@linker/observability';
import { testServices, uniqueName, waitFor } from '@linker/testing';
import type { BusRecord, Subscription } from '../../src/bus.port';
import { KafkaBus } from '../../src/kafka/kafka-bus';
import type { KafkaTuning } from '../../src/kafka/kafka-config';
import { startDoomedKafkaConsumer } from './testing/doomed-process';
import { countKafkaRequests, type RequestCounter } from './testing/request-counter';

const { kafkaBrokers: brokers } = testServices();
/** Long enough that, within a test, only a stop, a rebalance or the interval under test can commit. */
const NEVER_BY_INTERVAL: Partial<KafkaTuning> = { commitIntervalMs: 120_000 };
const WAIT_MS = 30_000;

const text = (record: BusRecord): string => record.value.toString('utf8');
const recordsOf = (prefix: string, count: number): BusRecord[] =>
  Array.from({ length: count }, (_, i) => ({ key: `key-${i % 24}`, value: Buffer.from(`${prefix}-${i}`) }));

interface Seen {
  readonly seen: string[];
  readonly handler: (records: readonly BusRecord[]) => Promise<void>;
}

/** A handler that keeps the text of every record it was handed. */
function collector(): Seen {
  const seen: string[] = [];
  return { seen, handler: async (records) => void seen.push(...records.map(text)) };
}

/** Wait until `seen()` holds every one of `records`. */
function until(what: string, records: readonly BusRecord[], seen: () => readonly string[]): Promise<boolean> {
  return waitFor(what, () => records.every((r) => seen().includes(text(r))), { timeoutMs: WAIT_MS });
}

describe('KafkaBus offset commits', () => {
  const clients: KafkaBus[] = [];
  const cleanUps: Array<() => Promise<void>> = [];
  let counter: RequestCounter | undefined;
  const connect = async (tuning?: Partial<KafkaTuning>, clientId = uniqueName('commits')): Promise<KafkaBus> => {
    const bus = await KafkaBus.connect({ brokers, clientId, logger: silentLogger, tuning });
    clients.push(bus);
    return bus;
  };
  afterEach(async () => {
    counter?.stop();
    counter = undefined;
    await Promise.all(cleanUps.splice(0).map((cleanUp) => cleanUp()));
    await Promise.all(clients.splice(0).map((c) => c.close()));
  }, 60_000);

  it('commits at most once per commitIntervalMs per member, however many fetches deliver records', async () => {
    const publisher = await connect();
    const topic = uniqueName('commit-interval');
    await publisher.ensureTopics([topic], 4);
    const clientId = uniqueName('member');
    const member = await connect({ commitIntervalMs: 1_000 }, clientId);
    const { seen, handler } = collector();
    await member.subscribe({ topic, group: uniqueName('g'), handler });
    counter = countKafkaRequests();
    const started = Date.now();
    const records = recordsOf('one-at-a-time', 30);
    for (const record of records) {
      // One record at a time, each handled before the next is published: each comes in a fetch of its own.
      await publisher.publish(topic, [record]);
      await until(`${text(record)} to be handled`, [record], () => seen);
    }
    const elapsed = Date.now() - started;
    const fetches = counter.of(clientId, 'Fetch');
    const commits = counter.of(clientId, 'OffsetCommit');
    expect(fetches).toBeGreaterThanOrEqual(records.length);
    // One commit per fetch would be 30 here; the interval allows one a second (+1 for the window's edges).
    expect(commits).toBeLessThanOrEqual(Math.ceil(elapsed / 1_000) + 1);
  }, 90_000);

  /** A group on a new topic whose one member (committing only on stop or rebalance) handled 40 records. */
  async function groupThatHandled(
    name: string,
  ): Promise<{ publisher: KafkaBus; topic: string; group: string; first: Seen; firstSubscription: Subscription }> {
    const publisher = await connect();
    const topic = uniqueName(name);
    await publisher.ensureTopics([topic], 4);
    const group = uniqueName('g');
    const first = collector();
    const firstSubscription = await (await connect(NEVER_BY_INTERVAL)).subscribe({ topic, group, handler: first.handler });
    const handled = recordsOf('handled', 40);
    await publisher.publish(topic, handled);
    await until('the first member to handle every record', handled, () => first.seen);
    return { publisher, topic, group, first, firstSubscription };
  }

  it('commits every handled batch when a member closes: its successor gets none of them again', async () => {
    const { publisher, topic, group, firstSubscription } = await groupThatHandled('commit-on-close');
    await firstSubscription.close();
    const successor = collector();
    await (await connect(NEVER_BY_INTERVAL)).subscribe({ topic, group, handler: successor.handler });
    const markers = recordsOf('marker', 24);
    await publisher.publish(topic, markers);
    await until('the markers to reach the successor', markers, () => successor.seen);
    expect([...successor.seen].sort()).toEqual(markers.map(text).sort());
  }, 90_000);

  it('commits every handled batch when a rebalance moves partitions: the new owner gets none of them again', async () => {
    const { publisher, topic, group, first } = await groupThatHandled('commit-on-rebalance');
    const joiner = collector();
    const partitions: number[] = [];
    await (
      await connect(NEVER_BY_INTERVAL)
    ).subscribe({
      topic,
      group,
      handler: joiner.handler,
      onAssignment: (assigned) => partitions.splice(0, partitions.length, ...assigned),
    });
    await waitFor('the second member to be given partitions', () => partitions.length > 0, { timeoutMs: WAIT_MS });
    const markers = recordsOf('marker', 24);
    await publisher.publish(topic, markers);
    await until('the markers across the group', markers, () => [...first.seen, ...joiner.seen]);
    expect(joiner.seen.length).toBeGreaterThan(0);
    expect(joiner.seen.filter((v) => v.startsWith('handled'))).toEqual([]);
  }, 90_000);

  it('redelivers what a member killed within the interval handled but had not committed: nothing is lost', async () => {
    const publisher = await connect();
    const topic = uniqueName('commit-after-kill');
    await publisher.ensureTopics([topic], 4);
    const group = uniqueName('g');
    const survivor = collector();
    await (await connect(NEVER_BY_INTERVAL)).subscribe({ topic, group, handler: survivor.handler });
    const victim = await startDoomedKafkaConsumer({ brokers, topic, group, stopAfter: 30, tuning: NEVER_BY_INTERVAL });
    cleanUps.push(() => victim.kill());
    const records = recordsOf('record', 240);
    const published: BusRecord[] = [];
    const hung = (): boolean => victim.received().length >= 30;
    const taken = (): string[] => [...survivor.seen, ...victim.received().map(text)];
    // Chunk by chunk, each taken before the next, so the victim completes a few small batches before it hangs.
    for (let i = 0; i < records.length && !hung(); i += 24) {
      const chunk = records.slice(i, i + 24);
      await publisher.publish(topic, chunk);
      published.push(...chunk);
      await waitFor('the chunk to be taken (or the victim to hang)', () => hung() || chunk.every((r) => taken().includes(text(r))), {
        timeoutMs: WAIT_MS,
      });
    }
    await victim.kill();
    const completed = victim.completed().map(text);
    expect(completed.length).toBeGreaterThan(0);
    await until('the survivor to get every record, those the victim completed included', published, () => survivor.seen);
    expect(completed.filter((v) => !survivor.seen.includes(v))).toEqual([]);
  }, 90_000);
});
