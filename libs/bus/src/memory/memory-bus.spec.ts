import type { BusRecord } from '@linker/bus';
import { LinkerError } from '@linker/kernel';
import { uniqueName, waitFor } from '@linker/testing';
import { busContract, type DoomedConsumer } from '@linker/testing/contracts/bus.contract';
import { MemoryBroker } from './memory-broker';
import { MemoryBus } from './memory-bus';
import { partitionFor } from './partitioner';

const broker = new MemoryBroker();

/** The twin's doomed member: a subscription whose handler hangs once it took `stopAfter` records, ended by `kill`. */
async function startDoomedConsumer(topic: string, group: string, stopAfter: number): Promise<DoomedConsumer> {
  const received: BusRecord[] = [];
  const completed: BusRecord[] = [];
  const subscription = await new MemoryBus(broker, 'RELIABLE').subscribe({
    topic,
    group,
    handler: async (records) => {
      received.push(...records);
      if (received.length >= stopAfter) return new Promise<void>(() => undefined);
      completed.push(...records);
    },
  });
  return { received: () => received, completed: () => completed, kill: async () => subscription.kill() };
}

busContract('MemoryBus', {
  lane: 'RELIABLE',
  newBus: async () => new MemoryBus(broker, 'RELIABLE'),
  startDoomedConsumer,
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
