import { silentLogger } from '@linker/observability';
import { testServices, uniqueName, waitFor } from '@linker/testing';
import { busContract } from '@linker/testing/contracts/bus.contract';
import { connect as natsConnect } from 'nats';
import { NatsBus } from '../../src/nats/nats-bus';

const { natsUrl } = testServices();
const connect = (): Promise<NatsBus> => NatsBus.connect({ servers: natsUrl, name: uniqueName('contract'), logger: silentLogger });

busContract('NatsBus', { lane: 'FAST', newBus: connect, waitMs: 10_000 });

describe('NatsBus', () => {
  const clients: NatsBus[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('hands a slow handler what accumulated meanwhile, in one batch, in order', async () => {
    const bus = await connect();
    clients.push(bus);
    const topic = uniqueName('slow');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batches: string[][] = [];
    await bus.subscribe({
      topic,
      group: uniqueName('g'),
      handler: async (records) => {
        batches.push(records.map((r) => r.value.toString()));
        if (batches.length === 1) await gate;
      },
    });
    await bus.publish(topic, [{ key: 'k', value: Buffer.from('first') }]);
    await waitFor('the first batch', () => batches.length === 1);
    const rest = Array.from({ length: 50 }, (_, i) => ({ key: 'k', value: Buffer.from(`r${i}`) }));
    await bus.publish(topic, rest);
    const probe: string[] = [];
    await bus.subscribe({
      topic,
      group: uniqueName('probe'),
      handler: async (rs) => void probe.push(...rs.map((r) => r.value.toString())),
    });
    await bus.publish(topic, [{ key: 'k', value: Buffer.from('last') }]);
    await waitFor('the probe to see the last record', () => probe.includes('last'));
    release();
    await waitFor('the held subscription to catch up', () => batches.flat().includes('last'));
    expect(batches[0]).toEqual(['first']);
    expect(batches.length).toBeLessThanOrEqual(3);
    expect(batches.flat()).toEqual(['first', ...rest.map((r) => r.value.toString()), 'last']);
  });

  it('sends what is published to a subject in one event-loop turn as one NATS message, in order', async () => {
    const bus = await connect();
    clients.push(bus);
    const topic = uniqueName('coalesced');
    const raw = await natsConnect({ servers: natsUrl });
    let messages = 0;
    raw.subscribe(topic, { callback: () => void messages++ });
    await raw.flush();
    const received: string[] = [];
    await bus.subscribe({
      topic,
      group: uniqueName('g'),
      handler: async (records) => void received.push(...records.map((r) => r.value.toString())),
    });
    const sent = Array.from({ length: 10 }, (_, call) => Array.from({ length: 10 }, (_, i) => `c${call}r${i}`));
    await Promise.all(
      sent.map((values) =>
        bus.publish(
          topic,
          values.map((value) => ({ key: 'k', value: Buffer.from(value) })),
        ),
      ),
    );
    await waitFor('the 100 records', () => received.length === 100);
    expect(received).toEqual(sent.flat());
    expect(messages).toBe(1);
    await raw.close();
  });

  it('splits the records of one turn over several messages where one would exceed the max_payload of the server', async () => {
    const bus = await connect();
    clients.push(bus);
    const topic = uniqueName('split');
    const received: string[] = [];
    await bus.subscribe({
      topic,
      group: uniqueName('g'),
      handler: async (records) => void received.push(...records.map((r) => r.value.toString('utf8', 0, 8))),
    });
    const records = Array.from({ length: 12 }, (_, i) => ({
      key: 'k',
      value: Buffer.from(`${String(i).padStart(8, '0')}${'x'.repeat(200_000)}`),
    }));
    await bus.publish(topic, records);
    await waitFor('the 12 records of 200 KB', () => received.length === 12);
    expect(received).toEqual(records.map((_, i) => String(i).padStart(8, '0')));
  });

  it('refuses to connect to a server that does not answer, with a retriable BUS_UNAVAILABLE', async () => {
    await expect(NatsBus.connect({ servers: 'nats://127.0.0.1:1', name: 'nobody-home', logger: silentLogger })).rejects.toMatchObject({
      code: 'BUS_UNAVAILABLE',
      retriable: true,
    });
  });
});
