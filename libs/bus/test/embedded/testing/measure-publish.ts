/*
 * What persistence costs the embedded RELIABLE lane: `npx tsx libs/bus/test/embedded/testing/measure-publish.ts [value bytes]`.
 * Prints (asserts nothing) publish latency, publish → handler latency and throughput on a MemoryBroker with the
 * topic in memory and with it persisted in a LevelDB store in a temporary directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBroker, MemoryBus } from '../../../src/memory';
import { LevelBrokerStore } from '../../../src/embedded/level-broker-store';

const VALUE = Buffer.alloc(Number(process.argv[2] ?? 512), 7);
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const ms = (ns: bigint): number => Number(ns) / 1e6;
const fmt = (values: readonly number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 0.5).toFixed(3)} ms, p99 ${percentile(sorted, 0.99).toFixed(3)} ms`;
};

async function sequential(bus: MemoryBus, topic: string, n: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await bus.publish(topic, [{ key: `user-${i % 97}`, value: VALUE }]);
    latencies.push(ms(process.hrtime.bigint() - t));
  }
  return latencies;
}

/** `total` records published by `concurrency` loops of `perCall` records each; records/s. */
async function throughput(bus: MemoryBus, topic: string, total: number, concurrency: number, perCall: number): Promise<number> {
  let next = 0;
  const t = process.hrtime.bigint();
  const loop = async (): Promise<void> => {
    while (next < total) {
      const first = next;
      next += perCall;
      await bus.publish(
        topic,
        Array.from({ length: perCall }, (_, n) => ({ key: `user-${(first + n) % 97}`, value: VALUE })),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return (next / ms(process.hrtime.bigint() - t)) * 1000;
}

/** Publish one record at a time and time until a subscribed group's handler has it. */
async function roundTrips(bus: MemoryBus, topic: string, n: number): Promise<number[]> {
  let arrived: (() => void) | undefined;
  const sub = await bus.subscribe({ topic, group: 'measure', handler: async () => arrived?.() });
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const got = new Promise<void>((resolve) => (arrived = resolve));
    await bus.publish(topic, [{ key: 'k', value: VALUE }]);
    await got;
    latencies.push(ms(process.hrtime.bigint() - t));
  }
  await sub.close();
  return latencies;
}

interface Opened {
  broker: MemoryBroker;
  store?: LevelBrokerStore;
}

/** Each scenario on a fresh broker (and store), so that one's data does not slow the next one's writes. */
async function scenario<T>(
  open: () => Promise<Opened>,
  run: (bus: MemoryBus, topic: string) => Promise<T>,
): Promise<T & { synced?: number }> {
  const { broker, store } = await open();
  const bus = new MemoryBus(broker, 'RELIABLE');
  await bus.ensureTopics(['measure'], 3);
  const result = await run(bus, 'measure');
  const synced = store?.writes.syncedBatches;
  await bus.close();
  await broker.close();
  return Object.assign(result as object, { synced }) as T & { synced?: number };
}

async function measure(name: string, open: () => Promise<Opened>): Promise<void> {
  const latency = await scenario(open, async (bus, topic) => {
    await sequential(bus, topic, 200); // warm-up
    return { publish: await sequential(bus, topic, 2_000), roundTrip: await roundTrips(bus, topic, 1_000) };
  });
  console.log(`${name}: publish of 1 record, one at a time: ${fmt(latency.publish)}`);
  console.log(`${name}: publish → handler of 1 record: ${fmt(latency.roundTrip)}`);
  const runs: Array<[string, number, number, number]> = [
    ['1 loop × 1 record/publish', 5_000, 1, 1],
    ['64 concurrent loops × 1 record/publish', 40_000, 64, 1],
    ['8 concurrent loops × 100 records/publish', 100_000, 8, 100],
  ];
  for (const [label, total, concurrency, perCall] of runs) {
    const { rate, synced } = await scenario(open, async (bus, topic) => ({
      rate: await throughput(bus, topic, total, concurrency, perCall),
    }));
    const syncs = synced === undefined ? '' : ` (${synced} synced batches for ${total} records)`;
    console.log(`${name}: ${label}: ${rate.toFixed(0)} records/s${syncs}`);
  }
}

async function main(): Promise<void> {
  console.log(`value ${VALUE.length} bytes, node ${process.version}`);
  await measure('memory   ', async () => ({ broker: new MemoryBroker() }));
  const root = await mkdtemp(join(tmpdir(), 'linker-measure-'));
  let n = 0;
  try {
    await measure('persisted', async () => {
      const store = await LevelBrokerStore.open({ directory: join(root, String(n++)) });
      return { broker: await MemoryBroker.open({ persistence: store }), store };
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

void main();
