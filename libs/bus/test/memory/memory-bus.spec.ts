import type { BusRecord } from '@linker/bus';
import { LinkerError } from '@linker/kernel';
import { uniqueName, waitFor } from '@linker/testing';
import { busContract } from '@linker/testing/contracts/bus.contract';
import { MemoryBroker } from '../../src/memory/memory-broker';
import { MemoryBus } from '../../src/memory/memory-bus';
import { PartitionLog } from '../../src/memory/partition-log';
import { partitionFor } from '../../src/memory/partitioner';
import { doomedMemberOn } from './testing/doomed-member';

const broker = new MemoryBroker();

busContract('MemoryBus', {
  lane: 'RELIABLE',
  newBus: async () => new MemoryBus(broker, 'RELIABLE'),
  startDoomedConsumer: doomedMemberOn(() => broker),
  waitMs: 2_000,
});

busContract('MemoryBus', { lane: 'FAST', newBus: async () => new MemoryBus(broker, 'FAST'), waitMs: 2_000 });

describe('MemoryBroker', () => {
  it('partitions keys like Kafka’s default partitioner (murmur2)', () => {
    // Values computed by kafkajs 2.2.4 Partitioners.DefaultPartitioner for these keys.
    expect(['key-0', 'key-1', 'user-42', 'é'].map((k) => partitionFor(k, 4))).toEqual([1, 0, 0, 3]);
  });

  it('rejects publish and subscribe on a topic never ensured, and never shrinks a topic', async () => {
    const bus = new MemoryBus(broker, 'RELIABLE');
    const topic = uniqueName('missing');
    const unknown = expect.objectContaining({ code: 'BUS_UNKNOWN_TOPIC', retriable: false });
    await expect(bus.publish(topic, [{ key: 'k', value: Buffer.from('v') }])).rejects.toEqual(unknown);
    await expect(bus.subscribe({ topic, group: 'g', handler: async () => undefined })).rejects.toEqual(unknown);
    await bus.ensureTopics([topic], 3);
    await bus.ensureTopics([topic], 2);
    expect(broker.partitionSizes(topic)).toEqual([0, 0, 0]);
  });

  it('commits after the handler resolves, and not while it runs', async () => {
    const bus = new MemoryBus(broker, 'RELIABLE');
    const topic = uniqueName('commit');
    const group = uniqueName('group');
    await bus.ensureTopics([topic], 1);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    await bus.subscribe({ topic, group, handler: () => (++calls === 1 ? gate : Promise.resolve()) });
    await bus.publish(topic, [{ key: 'k', value: Buffer.from('a') }]);
    await waitFor('the handler to be called', () => calls === 1);
    expect(broker.committedOffsets(topic, group)).toEqual([0]);
    release();
    await waitFor('the commit', () => broker.committedOffsets(topic, group)[0] === 1);
    await bus.close();
  });

  it('redelivers a killed member’s batch from the committed offset, and ignores its late result', async () => {
    const topic = uniqueName('kill');
    const group = uniqueName('group');
    const [doomedBus, survivorBus] = [new MemoryBus(broker, 'RELIABLE'), new MemoryBus(broker, 'RELIABLE')];
    await doomedBus.ensureTopics([topic], 1);
    let finishZombie!: () => void;
    const zombie = await doomedBus.subscribe({
      topic,
      group,
      handler: () => new Promise<void>((resolve) => (finishZombie = resolve)),
    });
    await doomedBus.publish(topic, [{ key: 'k', value: Buffer.from('a') }]);
    await waitFor('the doomed member to hold the batch', () => finishZombie !== undefined);
    const survived: string[] = [];
    await survivorBus.subscribe({ topic, group, handler: async (rs) => void survived.push(...rs.map((r) => r.value.toString())) });
    zombie.kill();
    await waitFor('the redelivery', () => survived.length === 1);
    finishZombie();
    await waitFor('the survivor’s commit', () => broker.committedOffsets(topic, group)[0] === 1);
    expect(survived).toEqual(['a']);
    await Promise.all([doomedBus.close(), survivorBus.close()]);
  });

  it('rejects a drain cut short by closing its client with BUS_CLOSED, leaving the records uncommitted', async () => {
    const bus = new MemoryBus(broker, 'RELIABLE');
    const topic = uniqueName('drain-close');
    const group = uniqueName('group');
    await bus.ensureTopics([topic], 1);
    await bus.publish(topic, [{ key: 'k', value: Buffer.from('a') }]);
    let calls = 0;
    const draining = bus.drain({
      topic,
      group,
      handler: async () => {
        calls += 1;
        throw new Error('handler failure (test)');
      },
    });
    await waitFor('the drain to hand its batch', () => calls > 0);
    await bus.close();
    await expect(draining).rejects.toMatchObject({ code: 'BUS_CLOSED' });
    expect(broker.committedOffsets(topic, group)).toEqual([0]);
  });

  it('refuses calls on a closed client', async () => {
    const bus = new MemoryBus(broker, 'FAST');
    await bus.close();
    await expect(bus.publish('s', [])).rejects.toBeInstanceOf(LinkerError);
  });
});

describe('MemoryBroker retention', () => {
  const record = (value: string): BusRecord => ({ key: 'k', value: Buffer.from(value) });
  const texts = (records: readonly BusRecord[]): string[] => records.map((r) => r.value.toString());
  const sum = (offsets: readonly number[]): number => offsets.reduce((total, offset) => total + offset, 0);

  it('holds none of the records every group consumed and committed, and keeps offsets growing', async () => {
    const retention = new MemoryBroker({ maxBatchSize: 64 });
    const bus = new MemoryBus(retention, 'RELIABLE');
    const topic = uniqueName('retention');
    const group = uniqueName('group');
    await bus.ensureTopics([topic], 3);
    let handled = 0;
    await bus.subscribe({ topic, group, handler: async (rs) => void (handled += rs.length) });
    const n = 5_000;
    for (let i = 0; i < n; i += 100) {
      await bus.publish(
        topic,
        Array.from({ length: 100 }, (_, j) => ({ key: `user-${(i + j) % 37}`, value: Buffer.alloc(256) })),
      );
    }
    await waitFor(`all ${n} records committed`, () => sum(retention.committedOffsets(topic, group)) === n);
    expect(handled).toBe(n);
    expect(retention.retainedRecords(topic)).toBe(0);
    expect(retention.retainedRecords()).toBe(0);
    expect(sum(retention.partitionSizes(topic))).toBe(n);
    await bus.publish(topic, [record('after')]);
    await waitFor('the record after truncation committed', () => sum(retention.committedOffsets(topic, group)) === n + 1);
    expect(sum(retention.partitionSizes(topic))).toBe(n + 1);
    expect(retention.retainedRecords(topic)).toBe(0);
    await bus.close();
  });

  it('keeps what one group has not committed: a group joining later gets exactly that, and it goes once all caught up', async () => {
    const retention = new MemoryBroker();
    const bus = new MemoryBus(retention, 'RELIABLE');
    const topic = uniqueName('retention');
    const [ahead, behind, late] = [uniqueName('ahead'), uniqueName('behind'), uniqueName('late')];
    await bus.ensureTopics([topic], 1);
    const seen = { ahead: [] as string[], behind: [] as string[], late: [] as string[] };
    const collect = (into: string[]) => async (rs: readonly BusRecord[]) => void into.push(...texts(rs));
    await bus.subscribe({ topic, group: ahead, handler: collect(seen.ahead) });
    const behindSub = await bus.subscribe({ topic, group: behind, handler: collect(seen.behind) });
    const values = Array.from({ length: 10 }, (_, i) => `r${i}`);
    await bus.publish(topic, values.slice(0, 4).map(record));
    await waitFor(
      'both groups to commit the first 4',
      () => retention.committedOffsets(topic, behind)[0] === 4 && retention.committedOffsets(topic, ahead)[0] === 4,
    );
    await behindSub.close();
    await bus.publish(topic, values.slice(4).map(record));
    await waitFor('the group ahead to commit all 10', () => retention.committedOffsets(topic, ahead)[0] === 10);
    expect(retention.retainedRecords(topic)).toBe(6);
    await bus.subscribe({ topic, group: late, handler: collect(seen.late) });
    await waitFor('the late group to commit up to the end', () => retention.committedOffsets(topic, late)[0] === 10);
    expect(seen.late).toEqual(values.slice(4));
    expect(retention.retainedRecords(topic)).toBe(6);
    await bus.subscribe({ topic, group: behind, handler: collect(seen.behind) });
    await waitFor('the group behind to catch up', () => retention.committedOffsets(topic, behind)[0] === 10);
    expect(seen.behind).toEqual(values);
    expect(retention.retainedRecords(topic)).toBe(0);
    await bus.close();
  });

  it('bounds a topic no group ever subscribed, keeping its newest records for a group that joins later', async () => {
    const retention = new MemoryBroker({ maxUnsubscribedRecords: 5 });
    const bus = new MemoryBus(retention, 'RELIABLE');
    const topic = uniqueName('unsubscribed');
    await bus.ensureTopics([topic], 1);
    const values = Array.from({ length: 8 }, (_, i) => `r${i}`);
    await bus.publish(topic, values.map(record));
    expect(retention.retainedRecords(topic)).toBe(5);
    expect(retention.partitionSizes(topic)).toEqual([8]);
    const seen: string[] = [];
    const group = uniqueName('group');
    await bus.subscribe({ topic, group, handler: async (rs) => void seen.push(...texts(rs)) });
    await waitFor('the late group to commit up to the end', () => retention.committedOffsets(topic, group)[0] === 8);
    expect(seen).toEqual(values.slice(3));
    await bus.close();
  });
});

describe('PartitionLog', () => {
  const record = (offset: number): BusRecord => ({ key: 'k', value: Buffer.from(String(offset)) });
  const offsetsOf = (records: readonly BusRecord[]): number[] => records.map((r) => Number(r.value.toString()));

  it('drops records below a log start that only moves up, through compactions, with offsets unchanged', () => {
    const log = new PartitionLog();
    const total = 5_000;
    for (let offset = 0; offset < total; offset++) log.append(record(offset));
    for (let start = 1; start <= total - 10; start += 7) {
      log.truncateTo(start);
      expect([log.start, log.end, log.retained]).toEqual([start, total, total - start]);
      expect(offsetsOf(log.read(start, 3))).toEqual([start, start + 1, start + 2]);
    }
    const start = log.start;
    log.truncateTo(start - 100);
    expect(log.start).toBe(start);
    expect(offsetsOf(log.read(0, 2))).toEqual([start, start + 1]);
    log.truncateTo(total + 50);
    expect([log.start, log.end, log.retained]).toEqual([total, total, 0]);
    log.append(record(total));
    expect(offsetsOf(log.read(total, 10))).toEqual([total]);
  });
});
