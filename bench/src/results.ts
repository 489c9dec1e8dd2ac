import type { DeliveryCounts } from './accounting';
import type { LatencySummary } from './histogram';
import type { LoopStats } from './loop-stats';
import type { OverdueStop } from './processes';
import type { ProcessUsage } from './proc-stats';

/** One rate step of a load scenario. */
export interface StepResult {
  /** Offered rate, msg/s. */
  offeredRate: number;
  /** Measured window (warm-up excluded), seconds. */
  durationS: number;
  connections: number;
  /** Rate actually sent in the measured window (below offered only when the load process itself falls behind). */
  sentRate: number;
  /** Distinct messages received in the measured window per second. */
  achievedRate: number;
  /** Counts over the whole step, warm-up included (a warm-up message lost is still lost). */
  delivery: DeliveryCounts;
  /** Receive time − intended send time (the open-loop latency), measured window only. */
  latency: LatencySummary;
  /** Receive time − actual send time: what the server path costs, without the load process's own lag. */
  service: LatencySummary;
  /** Actual send time − intended send time: how late the load process itself was. */
  sendLag: LatencySummary;
  processes: ProcessUsage[];
  /** CPU of every process on the machine over the window, % of one core: minus the processes above, what others used. */
  hostCpuPercent: number;
  /** Event-loop delay and GC pauses of each Node server process over the window (from its loop probe). */
  loop?: LoopStats[];
}

export interface IdleResult {
  connections: number;
  /** Connections that failed to open or authenticate. */
  failed: number;
  openSeconds: number;
  serverName: string;
  serverRssBeforeKiB: number;
  serverRssAfterKiB: number;
  serverKiBPerConnection: number;
  loadRssBeforeKiB: number;
  loadRssAfterKiB: number;
  loadKiBPerConnection: number;
}

export interface MailboxResult {
  stored: number;
  /** Time to send and store every message (until the mailbox holds them all), seconds. */
  storeSeconds: number;
  fetched: number;
  duplicates: number;
  batches: number;
  batchSize: number;
  /** From the first FETCH request to leftMissingCount 0, milliseconds. */
  fetchMs: number;
  messagesPerSecond: number;
  /** Each FETCH: when its COMPLETE arrived (ms from the first request), messages it brought, leftMissingCount. */
  batchLog: Array<{ atMs: number; received: number; leftMissingCount: number }>;
  processes: ProcessUsage[];
}

/** A channel scenario: publishers publishing to channels, subscribers elsewhere (docs/protocol.md, Channels). */
export interface ChannelResult {
  /** What ran, in words (publishers, channels, subscribers, where each sits). */
  setup: string;
  lane: 'RELIABLE' | 'FAST';
  seconds: number;
  published: number;
  /** Publications times the subscribers each should reach. */
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  publishedPerSecond: number;
  deliveriesPerSecond: number;
  /** From publish to each subscriber, ms. */
  latency: LatencySummary;
  /** From publish to the last of its subscribers, per publication, ms (fan-out). */
  lastSubscriber?: LatencySummary;
  processes: ProcessUsage[];
  loop?: LoopStats[];
}

export interface Target {
  label: string;
  /** Measured value, or undefined when the scenario did not measure it (no such step, error). */
  measured: number | undefined;
  limit: number;
  unit: string;
  met: boolean;
}

export interface ScenarioResult {
  name: string;
  mode: 'embedded' | 'real' | 'baseline' | 'centrifugo';
  description: string;
  startedAt: string;
  steps?: StepResult[];
  idle?: IdleResult;
  mailbox?: MailboxResult;
  channels?: ChannelResult;
  /** The highest rate that met the criterion (`--max-rate`), with every step tried. */
  maxRate?: MaxRateResult;
  targets: Target[];
  notes: string[];
  error?: string;
  /** Processes of this scenario that took longer than their drain deadline to stop (also in `error`). */
  overdueStops?: OverdueStop[];
}

export interface RunResult {
  startedAt: string;
  finishedAt: string;
  host: { cpus: number; node: string; platform: string; loadAverageAtStart: number[] };
  /** The checkout's commit (and whether its tree had changes) and the build that was run. */
  build: { commit: string; dirty: boolean; distDir: string };
  options: Record<string, unknown>;
  scenarios: ScenarioResult[];
  /** linker-ts against Centrifugo, pair by pair (computed from `scenarios` when the reports are written). */
  comparison?: Comparison;
}

/** A target `measured ≤ limit`; unmet when nothing was measured. */
export function target(label: string, measured: number | undefined, limit: number, unit: string): Target {
  return { label, measured, limit, unit, met: measured !== undefined && measured <= limit };
}

/** The step whose offered rate is `rate`, if the run had one. */
function stepAt(steps: StepResult[] | undefined, rate: number): StepResult | undefined {
  return steps?.find((step) => step.offeredRate === rate);
}

/** The latency targets at one rate: p50 and p99 limits, in ms. */
export function latencyTargets(steps: StepResult[] | undefined, rate: number, p50: number, p99: number): Target[] {
  const step = stepAt(steps, rate);
  return [target(`p50 at ${rate} msg/s`, step?.latency.p50, p50, 'ms'), target(`p99 at ${rate} msg/s`, step?.latency.p99, p99, 'ms')];
}

/** CPU of the whole deployment (servers and services; the load process left out), % of one core, at `rate`. */
export function deploymentCpuTarget(steps: StepResult[] | undefined, rate: number, limit: number): Target {
  const step = stepAt(steps, rate);
  return target(`CPU of the deployment at ${rate} msg/s`, step && deploymentCpu(step).total, limit, '% of a core');
}

/** The processes of the deployment under test: every measured process but the load generator. */
export function deploymentProcesses(step: StepResult): ProcessUsage[] {
  return step.processes.filter((usage) => usage.name !== 'load');
}

/** CPU % of one core of each process of the deployment, and in all (0.1 precision). */
export function deploymentCpu(step: StepResult): { percent: Record<string, number>; total: number } {
  const processes = deploymentProcesses(step);
  const tenth = (value: number): number => Math.round(value * 10) / 10;
  return {
    percent: Object.fromEntries(processes.map((usage) => [usage.name, tenth(usage.cpuPercent)])),
    total: tenth(processes.reduce((sum, usage) => sum + usage.cpuPercent, 0)),
  };
}

const ms3 = (value: number): number => Math.round(value * 1000) / 1000;

/** A step and the reference's step at the same offered rate, both with latencies measured. */
function comparable(steps: StepResult[] | undefined, reference: ScenarioResult | undefined): Array<[StepResult, StepResult]> {
  return (steps ?? []).flatMap((step) => {
    const base = stepAt(reference?.steps, step.offeredRate);
    return base && step.latency.count > 0 && base.latency.count > 0 ? [[step, base] as [StepResult, StepResult]] : [];
  });
}

/**
 * What each hop of a federation adds to the p50 latency (target: +1 ms FAST, +3 ms RELIABLE): at every rate both
 * were measured at, (p50 here − p50 of the single-domain `reference` at that rate) / `hops`. The reference is a
 * scenario run earlier in the same run; without it (or without a common rate) the target is not measured.
 */
export function perHopTargets(
  steps: StepResult[] | undefined,
  reference: ScenarioResult | undefined,
  referenceName: string,
  hops: number,
  limitMs: number,
): Target[] {
  const pairs = comparable(steps, reference);
  if (pairs.length === 0)
    return [target(`added p50 per hop (needs ${referenceName} at the same rates in the same run)`, undefined, limitMs, 'ms')];
  return pairs.map(([step, base]) =>
    target(
      `added p50 per hop at ${step.offeredRate} msg/s (${ms3(step.latency.p50)} vs ${referenceName} ${ms3(base.latency.p50)} ms, ${hops} hop${hops > 1 ? 's' : ''})`,
      ms3((step.latency.p50 - base.latency.p50) / hops),
      limitMs,
      'ms',
    ),
  );
}

/** The same comparison as a Markdown table, p50 and p99 (a note for the report); undefined when nothing compares. */
export function perHopTable(
  steps: StepResult[] | undefined,
  reference: ScenarioResult | undefined,
  referenceName: string,
  hops: number,
): string | undefined {
  const pairs = comparable(steps, reference);
  if (pairs.length === 0) return undefined;
  const perHop = (here: number, base: number): string => `${ms3((here - base) / hops)}`;
  return [
    `Added latency per hop against ${referenceName} of this run (difference / ${hops}), ms:`,
    '',
    `| offered msg/s | p50 here | p50 ${referenceName} | added p50 per hop | p99 here | p99 ${referenceName} | added p99 per hop |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...pairs.map(
      ([step, base]) =>
        `| ${step.offeredRate} | ${ms3(step.latency.p50)} | ${ms3(base.latency.p50)} | ${perHop(step.latency.p50, base.latency.p50)} | ${ms3(step.latency.p99)} | ${ms3(base.latency.p99)} | ${perHop(step.latency.p99, base.latency.p99)} |`,
    ),
  ].join('\n');
}

/** One step of the max-rate search (bench/src/max-rate.ts) with its verdict. */
export type SearchStep = StepResult & { passed: boolean; why: string };

export interface MaxRateResult {
  criterion: string;
  /** The highest rate that met the criterion; undefined when none did (not even the floor). */
  rate: number | undefined;
  /** It met the criterion at the ceiling: the true limit is higher than what the search offered. */
  atCeiling: boolean;
  /** Measured seconds and warm-up of each search step. */
  stepSeconds: number;
  warmupSeconds: number;
  /** Every step, in the order tried. */
  steps: SearchStep[];
}

/** linker-ts against Centrifugo (bench/src/compare.ts): one side of a pair is a scenario of each product. */
export interface Pair {
  linker: string;
  centrifugo: string;
}

export interface MaxRateSide {
  /** Undefined when no step met the criterion. */
  rate: number | undefined;
  atCeiling: boolean;
}

/** One side at one offered rate. */
export interface SideAtRate {
  p50Ms: number;
  p99Ms: number;
  /** µs of CPU per delivered message, by process (the servers and, in real mode, the services; not the load process). */
  cpuUsPerMessage: Record<string, number>;
  cpuUsPerMessageTotal: number;
}

export interface AtRate {
  rate: number;
  linker: SideAtRate;
  centrifugo: SideAtRate;
  p50Ratio: number | undefined;
  p99Ratio: number | undefined;
  cpuRatio: number | undefined;
}

export interface LoadComparison extends Pair {
  linkerMaxRate: MaxRateSide | undefined;
  centrifugoMaxRate: MaxRateSide | undefined;
  /** Undefined when a side has no rate, or both met the criterion at the ceiling (the search did not find either limit). */
  maxRateRatio: number | undefined;
  /** A side at the ceiling has a higher limit than found: the ratio is then a bound. */
  maxRateRatioIs: 'exact' | 'at most' | 'at least';
  /** Every offered rate both sides measured latency at. */
  atRates: AtRate[];
}

export interface IdleComparison extends Pair {
  linkerKiBPerConnection: number | undefined;
  centrifugoKiBPerConnection: number | undefined;
  ratio: number | undefined;
}

/** The quiet load on both sides: CPU of the deployment (servers and services, % of one core), by process and in all. */
export interface QuietComparison extends Pair {
  rate: number | undefined;
  linkerCpuPercent: Record<string, number> | undefined;
  centrifugoCpuPercent: Record<string, number> | undefined;
  linkerTotal: number | undefined;
  centrifugoTotal: number | undefined;
  ratio: number | undefined;
}

export interface Comparison {
  load: LoadComparison[];
  quiet: QuietComparison[];
  idle: IdleComparison[];
}
