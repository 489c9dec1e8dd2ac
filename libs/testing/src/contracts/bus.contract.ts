import type { Bus, BatchHandler, BusRecord, Subscription } from '@linker/bus';
import type { Lane } from '@linker/contracts';
import { uniqueName } from '../unique-name';
import { waitFor } from '../wait-for';

/** A group member that takes records and dies mid-batch (a real process for real brokers). */
export interface DoomedConsumer {
  /** Every record it took so far, in arrival order. */
  received(): readonly BusRecord[];
  /** Records of the batches whose handler resolved (they may or may not have been committed when it died). */
  completed(): readonly BusRecord[];
  /** End it abruptly (SIGKILL for a process): the batch in hand is neither finished nor committed. */
  kill(): Promise<void>;
}

export interface BusHarness {
  readonly lane: Lane;
  /** A new client, like a separate process connecting to the same broker. The suite closes it. */
  newBus(): Promise<Bus>;
  /**
   * RELIABLE only: join `group` on `topic` with a member that completes its batches normally until it has taken
   * `stopAfter` records, then never finishes the batch in hand. Resolves once the member is in the group.
   */
  startDoomedConsumer?(topic: string, group: string, stopAfter: number): Promise<DoomedConsumer>;
  /** Deadline of one wait; a real broker's rebalance after a kill takes a session timeout. Default 10 s. */
  readonly waitMs?: number;
  /** Deadline of one test. Default 30 s. */
  readonly testTimeoutMs?: number;
}

const text = (record: BusRecord): string => record.value.toString('utf8');

/** `perKey` records for each key, interleaved key by key; values are `${key}:${index}`. */
function interleaved(keys: readonly string[], perKey: number, tag = ''): BusRecord[] {
  const records: BusRecord[] = [];
  for (let i = 0; i < perKey; i++) {
    for (const key of keys) records.push({ key, value: Buffer.from(`${key}:${tag}${i}`) });
  }
  return records;
}

const keyNames = (count: number): string[] => Array.from({ length: count }, (_, i) => `key-${i}`);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A handler that records every batch it is given. */
class Collector {
  readonly batches: BusRecord[][] = [];
  readonly handler: BatchHandler = async (records) => {
    this.batches.push([...records]);
  };
  texts(): string[] {
    return this.batches.flat().map(text);
  }
  has(records: readonly BusRecord[]): boolean {
    const seen = new Set(this.texts());
    return records.every((r) => seen.has(text(r)));
  }
}

/** Values of `key` in the order `records` lists them. */
const valuesOf = (records: readonly string[], key: string): string[] => records.filter((v) => v.startsWith(`${key}:`));

/** What every test of the suite gets: clients closed after it, waits with the harness's deadline, unique topics. */
class ContractContext {
  readonly doomed: DoomedConsumer[] = [];
  private readonly clients: Bus[] = [];

  constructor(readonly harness: BusHarness) {}

  get timeout(): number {
    return this.harness.testTimeoutMs ?? 30_000;
  }

  async client(): Promise<Bus> {
    const bus = await this.harness.newBus();
    this.clients.push(bus);
    return bus;
  }

  until<T>(what: string, condition: () => T | undefined | null | false): Promise<T> {
    return waitFor(what, condition, { timeoutMs: this.harness.waitMs ?? 10_000 });
  }

  async topic(bus: Bus, partitions: number): Promise<string> {
    const topic = uniqueName('bus-contract');
    await bus.ensureTopics([topic], partitions);
    return topic;
  }

  subscribe(bus: Bus, topic: string, group: string, collector: Collector): Promise<Subscription> {
    return bus.subscribe({ topic, group, handler: collector.handler });
  }

  /** Wait (with the harness's deadline) for `promise` to settle; its value, or its rejection rethrown. */
  async settles<T>(what: string, promise: Promise<T>): Promise<T> {
    let outcome: { value: T } | { error: unknown } | undefined;
    promise.then(
      (value) => (outcome = { value }),
      (error: unknown) => (outcome = { error }),
    );
    const settled = await this.until(what, () => outcome);
    if ('error' in settled) throw settled.error;
    return settled.value;
  }

  /** `bus.drain` of `topic` as `group` into `collector`, awaited with the harness's deadline. */
  drain(bus: Bus, topic: string, group: string, collector: Collector): Promise<void> {
    return this.settles(`the drain of ${topic} as ${group} to resolve`, bus.drain({ topic, group, handler: collector.handler }));
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.doomed.splice(0).map((d) => d.kill()));
    await Promise.all(this.clients.splice(0).map((c) => c.close()));
  }
}

type ContractTest = (ctx: ContractContext) => void;

/**
 * The `Bus` contract (bus.port.ts), one suite for every adapter and its twin. Each test isolates itself with unique
 * topic and group names, waits for conditions with deadlines (never fixed sleeps), and closes the clients it made.
 */
export function busContract(name: string, harness: BusHarness): void {
  const ctx = new ContractContext(harness);
  describe(`Bus contract: ${name} (${harness.lane})`, () => {
    afterEach(() => ctx.cleanUp(), ctx.timeout);
    const laneTests = harness.lane === 'RELIABLE' ? RELIABLE_TESTS : FAST_TESTS;
    for (const test of [...COMMON_TESTS, ...laneTests]) test(ctx);
  });
}

function reportsItsLane(ctx: ContractContext): void {
  it(
    'reports its lane',
    async () => {
      expect((await ctx.client()).lane).toBe(ctx.harness.lane);
    },
    ctx.timeout,
  );
}

function closeFinishesBatchInHand(ctx: ContractContext): void {
  it(
    'lets the batch in hand finish before close resolves',
    async () => {
      const bus = await ctx.client();
      const topic = await ctx.topic(bus, 1);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const events: string[] = [];
      const held = await bus.subscribe({
        topic,
        group: uniqueName('held'),
        handler: async (records) => {
          events.push(`start ${records.map(text).join()}`);
          if (events.length === 1) await gate;
          events.push('end');
        },
      });
      const probe = new Collector();
      await ctx.subscribe(bus, topic, uniqueName('probe'), probe);
      await bus.publish(topic, [{ key: 'k', value: Buffer.from('k:0') }]);
      await ctx.until('the held handler to start', () => events.length > 0 && probe.batches.length > 0);
      const closing = held.close().then(() => events.push('closed'));
      await bus.publish(topic, [{ key: 'k', value: Buffer.from('k:1') }]);
      await ctx.until('a record published after close() to reach the probe', () => probe.texts().includes('k:1'));
      expect(events).toEqual(['start k:0']);
      release();
      await closing;
      expect(events.slice(0, 2)).toEqual(['start k:0', 'end']);
      expect(events[events.length - 1]).toBe('closed');
    },
    ctx.timeout,
  );
}

function keepsPerKeyOrder(ctx: ContractContext): void {
  it(
    'keeps per-key order over hundreds of interleaved records, from concurrent publishes',
    async () => {
      const [publisher, consumer] = [await ctx.client(), await ctx.client()];
      const topic = await ctx.topic(publisher, 4);
      await publisher.ensureTopics([topic], 4); // idempotent
      const collector = new Collector();
      await ctx.subscribe(consumer, topic, uniqueName('group'), collector);
      const keys = keyNames(8);
      const records = interleaved(keys, 60);
      await Promise.all(chunks(records, 16).map((chunk) => publisher.publish(topic, chunk)));
      await ctx.until(`all ${records.length} records`, () => collector.has(records));
      const received = collector.texts();
      expect(received).toHaveLength(records.length);
      for (const key of keys) expect(valuesOf(received, key)).toEqual(valuesOf(records.map(text), key));
    },
    ctx.timeout,
  );
}

function deliversWhatWasPublishedBeforeTheGroup(ctx: ContractContext): void {
  it(
    'delivers records published before the group existed, once publish resolved (durable)',
    async () => {
      const publisher = await ctx.client();
      const topic = await ctx.topic(publisher, 3);
      const records = interleaved(keyNames(6), 5);
      await publisher.publish(topic, records);
      await publisher.close();
      const collector = new Collector();
      await ctx.subscribe(await ctx.client(), topic, uniqueName('late-group'), collector);
      await ctx.until('every record published before the group existed', () => collector.has(records));
      expect(collector.texts().sort()).toEqual(records.map(text).sort());
    },
    ctx.timeout,
  );
}

function spreadsOverAGroup(ctx: ContractContext): void {
  it(
    'spreads a multi-partition topic over a group of two, each key on one member',
    async () => {
      const publisher = await ctx.client();
      const topic = await ctx.topic(publisher, 4);
      const group = uniqueName('group');
      const [first, second] = [new Collector(), new Collector()];
      await ctx.subscribe(await ctx.client(), topic, group, first);
      await ctx.subscribe(await ctx.client(), topic, group, second);
      const records = interleaved(keyNames(24), 5);
      await publisher.publish(topic, records);
      await ctx.until('all records across the group', () => new Set([...first.texts(), ...second.texts()]).size === 120);
      const [a, b] = [new Set(first.texts()), new Set(second.texts())];
      expect(a.size).toBeGreaterThan(0);
      expect(b.size).toBeGreaterThan(0);
      expect([...a].filter((v) => b.has(v))).toEqual([]);
      const keysOf = (values: Set<string>): Set<string> => new Set([...values].map((v) => v.split(':')[0]));
      expect([...keysOf(a)].filter((k) => keysOf(b).has(k))).toEqual([]);
    },
    ctx.timeout,
  );
}

function doesNotRedeliverCommitted(ctx: ContractContext): void {
  it(
    'does not redeliver committed records to a member that joins later',
    async () => {
      const publisher = await ctx.client();
      const topic = await ctx.topic(publisher, 2);
      const group = uniqueName('group');
      const keys = keyNames(4);
      const old = interleaved(keys, 10);
      const first = new Collector();
      const firstSub = await ctx.subscribe(await ctx.client(), topic, group, first);
      await publisher.publish(topic, old);
      await ctx.until('the first member to handle every record', () => first.has(old));
      await firstSub.close();
      const second = new Collector();
      await ctx.subscribe(await ctx.client(), topic, group, second);
      const markers = interleaved(keys, 1, 'marker-');
      await publisher.publish(topic, markers);
      await ctx.until('the markers to reach the new member', () => second.has(markers));
      expect(second.texts().sort()).toEqual(markers.map(text).sort());
    },
    ctx.timeout,
  );
}

function redeliversRejected(ctx: ContractContext): void {
  it(
    'delivers the same records again when the handler rejects',
    async () => {
      const bus = await ctx.client();
      const topic = await ctx.topic(bus, 2);
      const deliveries: string[][] = [];
      const handled: string[] = [];
      await bus.subscribe({
        topic,
        group: uniqueName('group'),
        handler: async (records) => {
          deliveries.push(records.map(text));
          if (deliveries.length === 1) throw new Error('handler failure (contract test)');
          handled.push(...records.map(text));
        },
      });
      const records = interleaved(['only-key'], 20);
      await bus.publish(topic, records);
      await ctx.until('every record handled after the rejection', () => handled.length >= records.length);
      expect(deliveries.length).toBeGreaterThanOrEqual(2);
      expect(deliveries[1].slice(0, deliveries[0].length)).toEqual(deliveries[0]);
      expect(handled).toEqual(records.map(text));
    },
    ctx.timeout,
  );
}

function redeliversAfterKill(ctx: ContractContext): void {
  it(
    'redelivers the batch of a member killed mid-batch to the survivor, losing nothing',
    async () => {
      if (!ctx.harness.startDoomedConsumer) throw new Error('a RELIABLE harness must provide startDoomedConsumer');
      const publisher = await ctx.client();
      const topic = await ctx.topic(publisher, 4);
      const group = uniqueName('group');
      const survivor = new Collector();
      const survivorSub = await ctx.subscribe(await ctx.client(), topic, group, survivor);
      const victim = await ctx.harness.startDoomedConsumer(topic, group, 30);
      ctx.doomed.push(victim);
      const keys = keyNames(24);
      const records = interleaved(keys, 10);
      for (const chunk of chunks(records, 24)) await publisher.publish(topic, chunk);
      await ctx.until('the doomed member to take 30 records', () => victim.received().length >= 30);
      await victim.kill();
      const completed = new Set(victim.completed().map(text));
      const inHand = victim
        .received()
        .map(text)
        .filter((v) => !completed.has(v));
      expect(inHand.length).toBeGreaterThan(0);
      await ctx.until('every record handled by the survivor or completed by the victim', () => {
        const survived = new Set(survivor.texts());
        return records.every((r) => survived.has(text(r)) || completed.has(text(r)));
      });
      const survived = new Set(survivor.texts());
      expect(inHand.filter((v) => !survived.has(v))).toEqual([]);
      await survivorSub.close();
      const late = new Collector();
      await ctx.subscribe(await ctx.client(), topic, group, late);
      const markers = interleaved(keys, 1, 'marker-');
      await publisher.publish(topic, markers);
      await ctx.until('the markers to reach a member that joined after the commits', () => late.has(markers));
      expect(late.texts().sort()).toEqual(markers.map(text).sort());
    },
    ctx.timeout,
  );
}

function tellsAssignments(ctx: ContractContext): void {
  it(
    'tells each member its partitions after every rebalance: disjoint, covering, all to the last one left',
    async () => {
      const publisher = await ctx.client();
      const topic = await ctx.topic(publisher, 4);
      const group = uniqueName('group');
      const all = [0, 1, 2, 3];
      const told: Array<readonly number[] | undefined> = [undefined, undefined];
      const join = async (member: 0 | 1): Promise<Subscription> =>
        (await ctx.client()).subscribe({
          topic,
          group,
          handler: async () => undefined,
          onAssignment: (partitions) => (told[member] = [...partitions]),
        });
      const first = await join(0);
      await ctx.until('the single member to be told every partition', () => told[0]?.length === all.length);
      expect([...(told[0] ?? [])].sort()).toEqual(all);
      await join(1);
      const split = (): boolean => {
        const [a, b] = [told[0] ?? [], told[1] ?? []];
        return a.length > 0 && b.length > 0 && [...a, ...b].sort().join() === all.join();
      };
      await ctx.until('two members to be told disjoint sets covering every partition', split);
      expect(split()).toBe(true);
      await first.close();
      await ctx.until('the remaining member to be told every partition again', () => told[1]?.length === all.length);
      expect([...(told[1] ?? [])].sort()).toEqual(all);
    },
    ctx.timeout,
  );
}

function deliversToASubscriber(ctx: ContractContext): void {
  it(
    'delivers to a subscriber, keys and values intact',
    async () => {
      const [publisher, consumer] = [await ctx.client(), await ctx.client()];
      const topic = await ctx.topic(publisher, 1);
      const collector = new Collector();
      await ctx.subscribe(consumer, topic, uniqueName('group'), collector);
      const records = interleaved(keyNames(3), 4);
      await publisher.publish(topic, records);
      await ctx.until('every record', () => collector.has(records));
      expect(collector.batches.flat().map((r) => [r.key, text(r)])).toEqual(records.map((r) => [r.key, text(r)]));
    },
    ctx.timeout,
  );
}

function spreadsAQueueGroup(ctx: ContractContext): void {
  it(
    'spreads a queue group (each record to exactly one member) while another group gets every record',
    async () => {
      const publisher = await ctx.client();
      const topic = await ctx.topic(publisher, 1);
      const group = uniqueName('group');
      const [first, second, other] = [new Collector(), new Collector(), new Collector()];
      await ctx.subscribe(await ctx.client(), topic, group, first);
      await ctx.subscribe(await ctx.client(), topic, group, second);
      await ctx.subscribe(await ctx.client(), topic, uniqueName('other'), other);
      const records = interleaved(keyNames(10), 20);
      // One publish at a time: a FAST lane may hand what one turn published to one member together.
      for (const record of records) await publisher.publish(topic, [record]);
      await ctx.until('every record in both groups', () => other.has(records) && first.texts().length + second.texts().length >= 200);
      const [a, b] = [first.texts(), second.texts()];
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      expect([...a, ...b].sort()).toEqual(records.map(text).sort());
      expect(other.texts()).toEqual(records.map(text));
    },
    ctx.timeout,
  );
}

function keepsPublisherOrder(ctx: ContractContext): void {
  it(
    'keeps each publisher’s order to one subscriber, with concurrent publishes',
    async () => {
      const [p1, p2, consumer] = [await ctx.client(), await ctx.client(), await ctx.client()];
      const topic = await ctx.topic(p1, 1);
      const collector = new Collector();
      await ctx.subscribe(consumer, topic, uniqueName('group'), collector);
      const [r1, r2] = [interleaved(['p1'], 300), interleaved(['p2'], 300)];
      await Promise.all([...chunks(r1, 7).map((c) => p1.publish(topic, c)), ...chunks(r2, 11).map((c) => p2.publish(topic, c))]);
      await ctx.until('every record of both publishers', () => collector.has([...r1, ...r2]));
      const received = collector.texts();
      expect(received).toHaveLength(600);
      expect(valuesOf(received, 'p1')).toEqual(r1.map(text));
      expect(valuesOf(received, 'p2')).toEqual(r2.map(text));
    },
    ctx.timeout,
  );
}

function nothingAfterClose(ctx: ContractContext): void {
  it(
    'delivers nothing to a closed subscription',
    async () => {
      const [publisher, consumer] = [await ctx.client(), await ctx.client()];
      const topic = await ctx.topic(publisher, 1);
      const [closed, open] = [new Collector(), new Collector()];
      const sub = await ctx.subscribe(consumer, topic, uniqueName('closed'), closed);
      await ctx.subscribe(consumer, topic, uniqueName('open'), open);
      await sub.close();
      const records = interleaved(keyNames(2), 10);
      await publisher.publish(topic, records);
      await ctx.until('the open subscription to get every record', () => open.has(records));
      expect(closed.texts()).toEqual([]);
    },
    ctx.timeout,
  );
}

function neverRedelivers(ctx: ContractContext): void {
  it(
    'never redelivers: not after a rejection, not to a member that joins later',
    async () => {
      const [publisher, consumer] = [await ctx.client(), await ctx.client()];
      const topic = await ctx.topic(publisher, 1);
      const group = uniqueName('group');
      const deliveries: string[] = [];
      await consumer.subscribe({
        topic,
        group,
        handler: async (records) => {
          const first = deliveries.length === 0;
          deliveries.push(...records.map(text));
          if (first) throw new Error('handler failure (contract test)');
        },
      });
      const early = interleaved(['k'], 5);
      await publisher.publish(topic, early);
      await ctx.until('the first delivery', () => deliveries.length >= early.length);
      const late = new Collector();
      await ctx.subscribe(await ctx.client(), topic, group, late);
      const markers = interleaved(['k'], 4, 'marker-');
      await publisher.publish(topic, markers);
      await ctx.until('the markers across the group', () => deliveries.length + late.texts().length >= 9);
      expect([...deliveries, ...late.texts()].sort()).toEqual([...early, ...markers].map(text).sort());
      expect(late.texts().every((v) => v.startsWith('k:marker-'))).toBe(true);
    },
    ctx.timeout,
  );
}

/** How soon an aborted drain must resolve: a leave and the batch in hand, well under a session timeout. */
const DRAIN_ABORT_MS = 5_000;

function drainsAGroupThatNeverConsumed(ctx: ContractContext): void {
  it(
    'drain hands every record of a group that never consumed to its handler, each once, in per-key order, and resolves',
    async () => {
      const publisher = await ctx.client();
      const topic = await ctx.topic(publisher, 3);
      const keys = keyNames(6);
      const records = interleaved(keys, 5);
      await publisher.publish(topic, records);
      const drained = new Collector();
      await ctx.drain(await ctx.client(), topic, uniqueName('group'), drained);
      const received = drained.texts();
      expect([...received].sort()).toEqual(records.map(text).sort());
      for (const key of keys) expect(valuesOf(received, key)).toEqual(valuesOf(records.map(text), key));
    },
    ctx.timeout,
  );
}

function drainsTheRestOfAGroup(ctx: ContractContext): void {
  it(
    'drain hands exactly what a group did not commit, after a member handled part of the topic and left',
    async () => {
      const publisher = await ctx.client();
      const topic = await ctx.topic(publisher, 2);
      const group = uniqueName('group');
      const keys = keyNames(4);
      const handled = interleaved(keys, 5);
      const member = new Collector();
      const subscription = await ctx.subscribe(await ctx.client(), topic, group, member);
      await publisher.publish(topic, handled);
      await ctx.until('the member to handle the first records', () => member.has(handled));
      await subscription.close();
      const rest = interleaved(keys, 5, 'rest-');
      await publisher.publish(topic, rest);
      const drained = new Collector();
      await ctx.drain(await ctx.client(), topic, group, drained);
      expect(drained.texts().sort()).toEqual(rest.map(text).sort());
    },
    ctx.timeout,
  );
}

function drainsNothingTwice(ctx: ContractContext): void {
  it(
    'a second drain right after a drain resolves without calling its handler',
    async () => {
      const publisher = await ctx.client();
      const topic = await ctx.topic(publisher, 2);
      const group = uniqueName('group');
      const records = interleaved(keyNames(4), 3);
      await publisher.publish(topic, records);
      const first = new Collector();
      await ctx.drain(await ctx.client(), topic, group, first);
      expect(first.has(records)).toBe(true);
      const second = new Collector();
      await ctx.drain(await ctx.client(), topic, group, second);
      expect(second.batches).toEqual([]);
    },
    ctx.timeout,
  );
}

function drainsAMissingTopic(ctx: ContractContext): void {
  it(
    'drain of a topic that does not exist resolves without calling its handler, and does not create the topic',
    async () => {
      const bus = await ctx.client();
      const topic = uniqueName('no-such-topic');
      const drained = new Collector();
      await ctx.drain(bus, topic, uniqueName('group'), drained);
      expect(drained.batches).toEqual([]);
      await expect(bus.publish(topic, [{ key: 'k', value: Buffer.from('k:0') }])).rejects.toMatchObject({ code: 'BUS_UNKNOWN_TOPIC' });
    },
    ctx.timeout,
  );
}

function abortsADrain(ctx: ContractContext): void {
  it(
    'an aborted drain resolves promptly, leaving what it did not commit to the next drain',
    async () => {
      const bus = await ctx.client();
      const topic = await ctx.topic(bus, 1);
      const group = uniqueName('group');
      const records = interleaved(['k'], 10);
      await bus.publish(topic, records);
      const before = new Collector();
      await bus.drain({ topic, group, handler: before.handler, signal: AbortSignal.abort() });
      expect(before.batches).toEqual([]);
      const controller = new AbortController();
      let attempts = 0;
      const draining = bus.drain({
        topic,
        group,
        signal: controller.signal,
        handler: async () => {
          attempts += 1;
          throw new Error('handler failure (contract test)');
        },
      });
      await ctx.until('the drain to hand its first batch', () => attempts > 0);
      const abortedAt = Date.now();
      controller.abort();
      await ctx.settles('the aborted drain to resolve', draining);
      expect(Date.now() - abortedAt).toBeLessThan(DRAIN_ABORT_MS);
      const after = new Collector();
      await ctx.drain(await ctx.client(), topic, group, after);
      expect(after.texts()).toEqual(records.map(text));
    },
    ctx.timeout,
  );
}

function drainResolvesAtOnce(ctx: ContractContext): void {
  it(
    'drain resolves at once without calling its handler: nothing is retained',
    async () => {
      const bus = await ctx.client();
      const topic = await ctx.topic(bus, 1);
      const group = uniqueName('group');
      const member = new Collector();
      await ctx.subscribe(bus, topic, group, member);
      const records = interleaved(keyNames(2), 3);
      await bus.publish(topic, records);
      await ctx.until('the member to get every record', () => member.has(records));
      const drained = new Collector();
      const started = Date.now();
      await ctx.drain(bus, topic, group, drained);
      await ctx.drain(bus, uniqueName('silent'), uniqueName('group'), drained);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(drained.batches).toEqual([]);
    },
    ctx.timeout,
  );
}

const COMMON_TESTS: ContractTest[] = [reportsItsLane, closeFinishesBatchInHand];

const RELIABLE_TESTS: ContractTest[] = [
  keepsPerKeyOrder,
  deliversWhatWasPublishedBeforeTheGroup,
  spreadsOverAGroup,
  doesNotRedeliverCommitted,
  redeliversRejected,
  redeliversAfterKill,
  tellsAssignments,
  drainsAGroupThatNeverConsumed,
  drainsTheRestOfAGroup,
  drainsNothingTwice,
  drainsAMissingTopic,
  abortsADrain,
];

const FAST_TESTS: ContractTest[] = [
  deliversToASubscriber,
  spreadsAQueueGroup,
  keepsPublisherOrder,
  nothingAfterClose,
  neverRedelivers,
  drainResolvesAtOnce,
];
