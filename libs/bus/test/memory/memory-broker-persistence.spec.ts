import type { BusRecord } from '@linker/bus';
import { uniqueName, waitFor } from '@linker/testing';
import type { BrokerPersistence, PersistedTopic } from '../../src/memory/broker-persistence';
import { MemoryBroker } from '../../src/memory/memory-broker';
import { MemoryBus } from '../../src/memory/memory-bus';

/** A store whose appends settle only when the test says so; it records every other call. */
class ScriptedStore implements BrokerPersistence {
  readonly appends: Array<{
    topic: string;
    partition: number;
    first: number;
    records: readonly BusRecord[];
    resolve: () => void;
    reject: (e: Error) => void;
  }> = [];
  readonly calls: string[] = [];
  constructor(private readonly topics: PersistedTopic[] = []) {}
  async load(): Promise<{ topics: readonly PersistedTopic[] }> {
    return { topics: this.topics };
  }
  ensureTopic(topic: string, partitions: number): void {
    this.calls.push(`ensure ${topic} ${partitions}`);
  }
  append(topic: string, partition: number, first: number, records: readonly BusRecord[]): Promise<void> {
    return new Promise((resolve, reject) => this.appends.push({ topic, partition, first, records, resolve, reject }));
  }
  commit(group: string, topic: string, partition: number, offset: number): void {
    this.calls.push(`commit ${group} ${partition} ${offset}`);
  }
  truncate(topic: string, partition: number, below: number): void {
    this.calls.push(`truncate ${partition} ${below}`);
  }
  async close(): Promise<void> {
    this.calls.push('close');
  }
}

const record = (value: string): BusRecord => ({ key: 'k', value: Buffer.from(value) });

/**
 * Publish a marker to a topic kept in memory only and wait until a group got it: the broker has had every chance to
 * hand out what it was going to hand out by then (what it must not do cannot be waited for).
 */
async function brokerTurn(bus: MemoryBus): Promise<void> {
  const topic = uniqueName('memory-marker');
  await bus.ensureTopics([topic], 1);
  let got = false;
  const subscription = await bus.subscribe({ topic, group: uniqueName('marker'), handler: async () => void (got = true) });
  await bus.publish(topic, [record('marker')]);
  await waitFor('the marker on a memory-only topic', () => got);
  await subscription.close();
}

/** A broker on `store` persisting one fresh topic, and a group on it recording what it is handed. */
async function persistedTopic(store: BrokerPersistence) {
  const [topic, group] = [uniqueName('custody'), uniqueName('group')];
  const broker = await MemoryBroker.open({ persistence: store, persist: (name) => name === topic });
  const bus = new MemoryBus(broker, 'RELIABLE');
  await bus.ensureTopics([topic], 1);
  const seen: string[] = [];
  await bus.subscribe({ topic, group, handler: async (rs) => void seen.push(...rs.map((r) => r.value.toString())) });
  return { topic, group, broker, bus, seen };
}

describe('MemoryBroker with a BrokerPersistence', () => {
  it('hands a persisted record to a group only once the store made it durable, and resolves publish then', async () => {
    const store = new ScriptedStore();
    const { topic, group, broker, bus, seen } = await persistedTopic(store);
    let resolved = false;
    const publishing = bus.publish(topic, [record('a'), record('b')]).then(() => (resolved = true));
    await waitFor('the append to reach the store', () => store.appends.length === 1);
    expect(store.appends[0]).toMatchObject({ topic, partition: 0, first: 0 });
    await brokerTurn(bus);
    expect([resolved, seen, broker.partitionSizes(topic)]).toEqual([false, [], [0]]);
    store.appends[0].resolve();
    await publishing;
    await waitFor('the group to get both records', () => seen.length === 2);
    await waitFor('the commit and truncation to be written', () => store.calls.includes('truncate 0 2'));
    expect(store.calls).toEqual([`ensure ${topic} 1`, 'commit ' + group + ' 0 0', 'commit ' + group + ' 0 2', 'truncate 0 2']);
    await bus.close();
    await broker.close();
    expect(store.calls.at(-1)).toBe('close');
  });

  it('rejects publish with a retriable BUS_UNAVAILABLE when the store fails, and never hands those records out', async () => {
    const store = new ScriptedStore();
    const { topic, broker, bus, seen } = await persistedTopic(store);
    const publishing = bus.publish(topic, [record('lost')]);
    await waitFor('the append to reach the store', () => store.appends.length === 1);
    store.appends[0].reject(new Error('disk full (test)'));
    await expect(publishing).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE', retriable: true });
    await brokerTurn(bus);
    expect(seen).toEqual([]);
    await bus.close();
    await broker.close();
  });

  it('keeps topics it is not told to persist in memory only, and restores only the chosen ones', async () => {
    const restored: PersistedTopic = {
      name: 'kept',
      partitions: [{ start: 5, records: [record('r5'), record('r6')] }],
      groups: [{ name: 'g', committed: new Map([[0, 6]]) }],
    };
    const forgotten: PersistedTopic = { name: 'dropped', partitions: [{ start: 0, records: [record('x')] }], groups: [] };
    const store = new ScriptedStore([restored, forgotten]);
    const broker = await MemoryBroker.open({ persistence: store, persist: (topic) => topic === 'kept' });
    expect([broker.hasTopic('kept'), broker.hasTopic('dropped')]).toEqual([true, false]);
    expect([broker.partitionSizes('kept'), broker.committedOffsets('kept', 'g')]).toEqual([[7], [6]]);
    expect(store.calls).toEqual(['truncate 0 6']);
    const bus = new MemoryBus(broker, 'RELIABLE');
    await bus.ensureTopics(['memory-only'], 1);
    await bus.publish('memory-only', [record('m')]);
    expect(store.appends).toEqual([]);
    const seen: string[] = [];
    await bus.subscribe({ topic: 'kept', group: 'g', handler: async (rs) => void seen.push(...rs.map((r) => r.value.toString())) });
    await waitFor('the restored record not yet committed', () => seen.length === 1);
    expect(seen).toEqual(['r6']);
    await bus.close();
    await broker.close();
  });
});
