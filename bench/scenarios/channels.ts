import { performance } from 'node:perf_hooks';
import { ChannelConnection } from '../src/channel-client';
import type { Lane } from '../src/client';
import { LatencyHistogram } from '../src/histogram';
import { awaitProbeLines, readLoopStats } from '../src/loop-stats';
import { ProcSampler } from '../src/proc-stats';
import { sleep } from '../src/processes';
import type { ChannelResult } from '../src/results';
import {
  emptyResult,
  startRequest,
  watchedOf,
  withDeployment,
  type Deployment,
  type Scenario,
  type ScenarioContext,
  type StartDeployment,
} from '../src/scenario';

/** A channel load: `publishers` spread over `channels`, each subscribed to by `subscribers` sockets. */
interface ChannelLoad {
  name: string;
  mode: Deployment['mode'];
  description: string;
  start: StartDeployment;
  lane: Lane;
  publishers: number;
  channels: number;
  subscribersPerChannel: number;
  /** Each publisher publishes once every `intervalMs`. */
  intervalMs: number;
  /** Subscribers sit at the deployment's `recipients` (the other connector or domain), or half there, half at `endpoint`. */
  subscribersAt: 'other' | 'split';
}

const OPEN_CONCURRENCY = 50;
const FLOW_DEADLINE_MS = 60_000;
const DRAIN_MS = 5_000;

/** What the subscribers saw: per publication (`key`), how many got it and the latest arrival; every latency. */
class Deliveries {
  readonly all = new LatencyHistogram();
  readonly last = new LatencyHistogram();
  delivered = 0;
  duplicates = 0;
  private readonly perPublication = new Map<number, { count: number; latestUs: number }>();
  private readonly seen: Array<Set<number>> = [];

  constructor(private readonly subscribersPerChannel: number) {}

  /** Subscriber `index` got publication `key`, sent at `sentMs` (this process's clock). */
  note(index: number, key: number, sentMs: number): void {
    const seen = (this.seen[index] ??= new Set());
    if (seen.has(key)) return void (this.duplicates += 1);
    seen.add(key);
    this.delivered += 1;
    const latencyUs = (performance.now() - sentMs) * 1000;
    this.all.recordMicros(latencyUs);
    const entry = this.perPublication.get(key) ?? { count: 0, latestUs: 0 };
    entry.count += 1;
    entry.latestUs = Math.max(entry.latestUs, latencyUs);
    if (entry.count < this.subscribersPerChannel) return void this.perPublication.set(key, entry);
    this.perPublication.delete(key);
    this.last.recordMicros(entry.latestUs);
  }
}

/** Open `count` channel connections, OPEN_CONCURRENCY handshakes at a time. */
async function openAll(count: number, open: (i: number) => Promise<ChannelConnection>, into: ChannelConnection[]): Promise<void> {
  for (let first = 0; first < count; first += OPEN_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(OPEN_CONCURRENCY, count - first) }, (_, k) => open(first + k));
    into.push(...(await Promise.all(batch)));
  }
}

const channelName = (deployment: Deployment, c: number): string => `${deployment.appName}:bench-${c}`;

/** Until a probe publication reaches the first subscriber of every channel (consumers joined, interest spread). */
async function awaitFlow(deployment: Deployment, publishers: ChannelConnection[], load: ChannelLoad, probes: Set<number>): Promise<void> {
  const deadline = Date.now() + FLOW_DEADLINE_MS;
  while (probes.size < load.channels) {
    if (Date.now() > deadline)
      throw new Error(`probe publications reached ${probes.size} of ${load.channels} channels within ${FLOW_DEADLINE_MS / 1000} s`);
    for (let c = 0; c < load.channels; c++) {
      if (!probes.has(c)) publishers[c % publishers.length]!.publish(channelName(deployment, c), `{"probe":${c}}`, load.lane);
    }
    await sleep(250);
  }
}

/** Publish from every publisher once per interval (phases spread evenly) for `seconds`; how many were published. */
async function publishFor(deployment: Deployment, publishers: ChannelConnection[], load: ChannelLoad, seconds: number): Promise<number> {
  const started = performance.now();
  const next = publishers.map((_, i) => started + (i * load.intervalMs) / publishers.length);
  const sequence = publishers.map(() => 0);
  let published = 0;
  while (performance.now() - started < seconds * 1000) {
    const now = performance.now();
    for (let i = 0; i < publishers.length; i++) {
      if (next[i]! > now) continue;
      const s = sequence[i]!++;
      const data = `{"w":${i},"s":${s},"t":${now},"lat":${(52 + i / 1000).toFixed(4)},"lon":${(4 + s / 1000).toFixed(4)}}`;
      if (publishers[i]!.publish(channelName(deployment, i % load.channels), data, load.lane)) published += 1;
      next[i]! += load.intervalMs;
    }
    await sleep(2);
  }
  return published;
}

async function measure(context: ScenarioContext, deployment: Deployment, load: ChannelLoad, notes: string[]): Promise<ChannelResult> {
  const other = deployment.recipients;
  if (other === undefined) throw new Error(`${load.name} needs a deployment with a second connector or domain`);
  const deliveries = new Deliveries(load.subscribersPerChannel);
  const probes = new Set<number>();
  const subscribers: ChannelConnection[] = [];
  const publishers: ChannelConnection[] = [];
  const total = load.channels * load.subscribersPerChannel;
  try {
    context.progress(`${load.name}: ${total} subscribers, ${load.publishers} publishers connecting`);
    await openAll(
      total,
      async (index) => {
        const c = Math.floor(index / load.subscribersPerChannel);
        const here = load.subscribersAt === 'split' && index % 2 === 0;
        const endpoint = here ? deployment.endpoint : other.endpoint;
        const userId = `${deployment.appName}-${(here ? deployment.userBase + 10_000 : other.userBase) + index}`;
        const connection = await ChannelConnection.open(endpoint, userId, (_channel, data) => {
          const d = data as { w?: number; s?: number; t?: number; probe?: number };
          if (d.probe !== undefined) return void probes.add(d.probe);
          deliveries.note(index, (d.s as number) * 100_000 + (d.w as number), d.t as number);
        });
        await connection.subscribe(channelName(deployment, c));
        return connection;
      },
      subscribers,
    );
    await openAll(
      load.publishers,
      (i) => ChannelConnection.open(deployment.endpoint, `${deployment.appName}-${deployment.userBase + 100_000 + i}`, () => undefined),
      publishers,
    );
    await awaitFlow(deployment, publishers, load, probes);
    context.progress(`${load.name}: publishing for ${context.options.durationS} s`);
    const watched = watchedOf(deployment);
    const sampler = new ProcSampler(watched, 500);
    const [from, fromWall] = [performance.now(), Date.now()];
    sampler.start(from);
    const published = await publishFor(deployment, publishers, load, context.options.durationS);
    const seconds = (performance.now() - from) / 1000;
    const processes = sampler.stop(performance.now());
    const toWall = Date.now();
    const expected = published * load.subscribersPerChannel;
    const drainUntil = Date.now() + DRAIN_MS;
    while (deliveries.delivered < expected && Date.now() < drainUntil) await sleep(20);
    await awaitProbeLines(watched, toWall);
    const loop = readLoopStats(watched, { fromMs: fromWall, toMs: toWall });
    notes.push(`Delivered within ${DRAIN_MS / 1000} s after the last publication; CPU and loop delay over the publishing window only.`);
    return {
      setup: `${load.publishers} publishers on ${load.channels} channel(s), ${load.subscribersPerChannel} subscriber(s) each (${load.subscribersAt === 'other' ? 'on the other side' : 'half on each connector'}), one publication per publisher every ${load.intervalMs} ms.`,
      lane: load.lane,
      seconds,
      published,
      expected,
      delivered: deliveries.delivered,
      lost: expected - deliveries.delivered,
      duplicates: deliveries.duplicates,
      publishedPerSecond: published / seconds,
      deliveriesPerSecond: deliveries.delivered / seconds,
      latency: deliveries.all.summary(),
      lastSubscriber: load.subscribersPerChannel > 1 ? deliveries.last.summary() : undefined,
      processes,
      ...(loop.length > 0 ? { loop } : {}),
    };
  } finally {
    await Promise.all([...subscribers, ...publishers].map((connection) => connection.close()));
  }
}

export function channelScenario(load: ChannelLoad): Scenario {
  return {
    name: load.name,
    mode: load.mode,
    description: load.description,
    async run(context) {
      const result = emptyResult(load);
      return withDeployment(
        result,
        () => load.start(startRequest(context, load.name, result.notes)),
        async (deployment) => {
          result.channels = await measure(context, deployment, load, result.notes);
        },
      );
    },
  };
}
