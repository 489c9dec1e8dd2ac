import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusRecord } from '@linker/bus';
import { uniqueName, waitFor } from '@linker/testing';
import { busContract } from '@linker/testing/contracts/bus.contract';
import { MemoryBroker, MemoryBus } from '../../src/memory';
import { partitionFor } from '../../src/memory/partitioner';
import { doomedMemberOn } from '../memory/testing/doomed-member';
import { openDurableBroker } from '../../src/embedded/durable-broker';
import { LevelBrokerStore } from '../../src/embedded/level-broker-store';

const root = mkdtemp(join(tmpdir(), 'linker-bus-'));
const newDirectory = async (): Promise<string> => join(await root, uniqueName('store'));
afterAll(async () => rm(await root, { recursive: true, force: true }));

/** Every contract topic persisted: the whole RELIABLE contract over a broker that writes to disk. */
let contractBroker: MemoryBroker;
beforeAll(async () => {
  contractBroker = await openDurableBroker({ directory: await newDirectory(), persist: () => true });
});
afterAll(() => contractBroker.close());

busContract('MemoryBus over a persisted MemoryBroker', {
  lane: 'RELIABLE',
  newBus: async () => new MemoryBus(contractBroker, 'RELIABLE'),
  startDoomedConsumer: doomedMemberOn(() => contractBroker),
  waitMs: 5_000,
});

const record = (key: string, value: string): BusRecord => ({ key, value: Buffer.from(value) });
const texts = (records: readonly BusRecord[]): string[] => records.map((r) => r.value.toString());
const sum = (offsets: readonly number[]): number => offsets.reduce((total, offset) => total + offset, 0);
/** `count` records over 11 keys, values `v<from + n>`. */
const records = (from: number, count: number): BusRecord[] =>
  Array.from({ length: count }, (_, n) => record(`user-${(from + n) % 11}`, `v${from + n}`));

/** Publish in concurrent calls of `size` records each. */
async function publishAll(bus: MemoryBus, topic: string, all: readonly BusRecord[], size = 10): Promise<void> {
  const calls: Array<Promise<void>> = [];
  for (let n = 0; n < all.length; n += size) calls.push(bus.publish(topic, all.slice(n, n + size)));
  await Promise.all(calls);
}

/** Subscribe `group` collecting values; resolves once it committed `total` records over all partitions. */
async function consumeUntil(
  broker: MemoryBroker,
  topic: string,
  group: string,
  total: number,
): Promise<{ seen: string[]; bus: MemoryBus }> {
  const bus = new MemoryBus(broker, 'RELIABLE');
  const seen: string[] = [];
  await bus.subscribe({ topic, group, handler: async (rs) => void seen.push(...texts(rs)) });
  await waitFor(`${group} to commit ${total} records of ${topic}`, () => sum(broker.committedOffsets(topic, group)) === total, {
    timeoutMs: 5_000,
  });
  return { seen, bus };
}

/** Values of `seen` whose record had key `key` (per-key order check). */
const ofKey = (values: readonly string[], key: number): string[] => values.filter((v) => Number(v.slice(1)) % 11 === key);

async function recordsOnDisk(directory: string, topic: string): Promise<number> {
  const store = await LevelBrokerStore.open({ directory });
  try {
    return await store.recordsOnDisk(topic);
  } finally {
    await store.close();
  }
}

describe('a persisted MemoryBroker across restarts', () => {
  it('gives a rejoining group exactly what it had not committed, with offsets and committed offsets restored', async () => {
    const directory = await newDirectory();
    const [topic, group] = [uniqueName('custody'), uniqueName('group')];
    const [n, k] = [300, 120];
    let broker = await openDurableBroker({ directory, persist: () => true });
    const publisher = new MemoryBus(broker, 'RELIABLE');
    await publisher.ensureTopics([topic], 2);
    await publisher.ensureTopics([topic], 3);
    await publishAll(publisher, topic, records(0, k));
    const first = await consumeUntil(broker, topic, group, k);
    await first.bus.close();
    await publishAll(publisher, topic, records(k, n - k));
    const [sizes, committed] = [broker.partitionSizes(topic), broker.committedOffsets(topic, group)];
    await publisher.close();
    await broker.close();

    broker = await openDurableBroker({ directory, persist: () => true });
    expect(broker.partitionSizes(topic)).toEqual(sizes);
    expect(broker.committedOffsets(topic, group)).toEqual(committed);
    expect(broker.retainedRecords(topic)).toBe(n - k);
    const second = await consumeUntil(broker, topic, group, n);
    expect(new Set(second.seen)).toEqual(new Set(texts(records(k, n - k))));
    expect(second.seen).toHaveLength(n - k);
    for (let key = 0; key < 11; key++) expect(ofKey([...first.seen, ...second.seen], key)).toEqual(ofKey(texts(records(0, n)), key));

    const next = record('user-3', 'after-restart');
    const p = partitionFor(next.key, 3);
    await second.bus.publish(topic, [next]);
    expect(broker.partitionSizes(topic)[p]).toBe(sizes[p] + 1);
    await waitFor('the record published after the restart', () => second.seen.includes('after-restart'));
    await second.bus.close();
    await broker.close();
  });

  it('holds what the slowest group has not committed; a record every group committed is neither redelivered nor on disk', async () => {
    const directory = await newDirectory();
    const [topic, ahead, behind] = [uniqueName('custody'), uniqueName('ahead'), uniqueName('behind')];
    let broker = await openDurableBroker({ directory, persist: () => true, truncateDelayMs: 5 });
    const publisher = new MemoryBus(broker, 'RELIABLE');
    await publisher.ensureTopics([topic], 1);
    await publishAll(publisher, topic, records(0, 40));
    const slow = await consumeUntil(broker, topic, behind, 40);
    await slow.bus.close();
    await publishAll(publisher, topic, records(40, 60));
    const fast = await consumeUntil(broker, topic, ahead, 100);
    await fast.bus.close();
    await publisher.close();
    await broker.close();
    expect(await recordsOnDisk(directory, topic)).toBe(60);

    broker = await openDurableBroker({ directory, persist: () => true, truncateDelayMs: 5 });
    const again = await consumeUntil(broker, topic, ahead, 100);
    const caughtUp = await consumeUntil(broker, topic, behind, 100);
    expect(again.seen).toEqual([]);
    expect(caughtUp.seen).toEqual(texts(records(40, 60)));
    expect(broker.retainedRecords(topic)).toBe(0);
    await Promise.all([again.bus.close(), caughtUp.bus.close()]);
    await broker.close();
    expect(await recordsOnDisk(directory, topic)).toBe(0);
    broker = await openDurableBroker({ directory, persist: () => true });
    expect(broker.partitionSizes(topic)).toEqual([100]);
    expect(broker.committedOffsets(topic, behind)).toEqual([100]);
    await broker.close();
  });

  it('keeps a group that joined but committed nothing: its records are not dropped when another group commits after a restart', async () => {
    const directory = await newDirectory();
    const [topic, idle, busy] = [uniqueName('custody'), uniqueName('idle'), uniqueName('busy')];
    let broker = await openDurableBroker({ directory, persist: () => true });
    let bus = new MemoryBus(broker, 'RELIABLE');
    await bus.ensureTopics([topic], 1);
    const idleSub = await bus.subscribe({ topic, group: idle, handler: () => Promise.reject(new Error('not yet (test)')) });
    await idleSub.close();
    await publishAll(bus, topic, records(0, 20));
    await bus.close();
    await broker.close();

    broker = await openDurableBroker({ directory, persist: () => true });
    bus = (await consumeUntil(broker, topic, busy, 20)).bus;
    expect(broker.retainedRecords(topic)).toBe(20);
    const late = await consumeUntil(broker, topic, idle, 20);
    expect(late.seen).toEqual(texts(records(0, 20)));
    await Promise.all([bus.close(), late.bus.close()]);
    await broker.close();
  });

  it('starts a topic not chosen for persistence empty (it does not exist) after a restart', async () => {
    const directory = await newDirectory();
    const [kept, memory] = [uniqueName('custody'), uniqueName('connector')];
    const persist = (topic: string): boolean => topic === kept;
    let broker = await openDurableBroker({ directory, persist });
    const bus = new MemoryBus(broker, 'RELIABLE');
    await bus.ensureTopics([kept, memory], 2);
    await publishAll(bus, kept, records(0, 10));
    await publishAll(bus, memory, records(0, 10));
    expect(broker.retainedRecords(memory)).toBe(10);
    await bus.close();
    await broker.close();

    broker = await openDurableBroker({ directory, persist });
    expect(broker.hasTopic(memory)).toBe(false);
    expect(broker.retainedRecords(kept)).toBe(10);
    await broker.close();
  });
});

describe('LevelBrokerStore', () => {
  it('shares syncs between concurrent publishes, and deletes what every group committed from disk while open', async () => {
    const store = await LevelBrokerStore.open({ directory: await newDirectory(), truncateDelayMs: 5 });
    const broker = await MemoryBroker.open({ persistence: store });
    const bus = new MemoryBus(broker, 'RELIABLE');
    const [topic, group] = [uniqueName('custody'), uniqueName('group')];
    await bus.ensureTopics([topic], 3);
    const calls = 400;
    await publishAll(bus, topic, records(0, calls), 1);
    expect(store.writes.syncedBatches).toBeLessThan(calls / 4);
    expect(await store.recordsOnDisk(topic)).toBe(calls);
    const { bus: consumer } = await consumeUntil(broker, topic, group, calls);
    await waitFor('the committed records to be deleted from disk', async () => (await store.recordsOnDisk(topic)) === 0);
    await consumer.close();
    await bus.close();
    await broker.close();
  });

  it('refuses a publish to a persisted topic once the broker closed', async () => {
    const broker = await openDurableBroker({ directory: await newDirectory(), persist: () => true });
    const bus = new MemoryBus(broker, 'RELIABLE');
    const topic = uniqueName('custody');
    await bus.ensureTopics([topic], 1);
    await broker.close();
    await expect(bus.publish(topic, records(0, 1))).rejects.toMatchObject({ code: 'BUS_CLOSED' });
  });
});
