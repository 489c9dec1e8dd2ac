import type { DeliveryCounts } from './accounting';
import type { LatencySummary } from './histogram';
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
  mode: 'embedded' | 'real' | 'baseline';
  description: string;
  startedAt: string;
  steps?: StepResult[];
  idle?: IdleResult;
  mailbox?: MailboxResult;
  targets: Target[];
  notes: string[];
  error?: string;
}

export interface RunResult {
  startedAt: string;
  finishedAt: string;
  host: { cpus: number; node: string; platform: string; loadAverageAtStart: number[] };
  /** The checkout's commit (and whether its tree had changes) and the build that was run. */
  build: { commit: string; dirty: boolean; distDir: string };
  options: Record<string, unknown>;
  scenarios: ScenarioResult[];
}

/** A target `measured ≤ limit`; unmet when nothing was measured. */
export function target(label: string, measured: number | undefined, limit: number, unit: string): Target {
  return { label, measured, limit, unit, met: measured !== undefined && measured <= limit };
}

/** The step whose offered rate is `rate`, if the run had one. */
export function stepAt(steps: StepResult[] | undefined, rate: number): StepResult | undefined {
  return steps?.find((step) => step.offeredRate === rate);
}

/** The latency targets of issue 3 at one rate: p50 and p99 limits, in ms. */
export function latencyTargets(steps: StepResult[] | undefined, rate: number, p50: number, p99: number): Target[] {
  const step = stepAt(steps, rate);
  return [
    target(`p50 at ${rate} msg/s`, step?.latency.p50, p50, 'ms'),
    target(`p99 at ${rate} msg/s`, step?.latency.p99, p99, 'ms'),
  ];
}
