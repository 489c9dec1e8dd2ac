import { performance } from 'node:perf_hooks';
import type { BenchConnection, Lane } from './client';
import { awaitProbeLines, readLoopStats, type Probed } from './loop-stats';
import { WorkerPacer } from './pacer';
import { encodePayload } from './payload';
import { ProcSampler, type ProcessUsage, type Watched } from './proc-stats';
import { StepRecorder } from './recorder';
import type { StepResult } from './results';
import { messagesFor, runOpenLoop, senderOf, sequenceOf, type ScheduleSpec } from './schedule';

const nowUs = (): number => performance.now() * 1000;

export interface LoadStepOptions {
  step: number;
  rate: number;
  durationMs: number;
  warmupMs: number;
  /** How long to wait for stragglers after the last send. */
  drainMs: number;
  lane: Lane;
  payloadBytes: number;
  /** Processes whose CPU and RSS are sampled over the measured window (and whose loop probe is read, if any). */
  watched: Array<Watched & Probed>;
}

/**
 * Routes every received content to the recorder of the step in progress. Connections are opened once per scenario
 * with `onMessage` as their handler; each step installs a fresh recorder.
 */
export class LoadSink {
  recorder: StepRecorder | undefined;
  /** Readiness probes seen (`probe:<n>` contents). */
  readonly probes = new Set<string>();
  readonly onMessage = (content: string): void => {
    if (content.startsWith('probe:')) this.probes.add(content);
    else this.recorder?.noteReceived(content, nowUs());
  };
}

/** Connection `i` sends to its pair (0↔1, 2↔3, …): every connection both sends and receives. */
export function peerOf(index: number): number {
  return index % 2 === 0 ? index + 1 : index - 1;
}

/** Who sends and to whom: sender `i` sends every message it is given to user `to[i]` (on whichever endpoint). */
export interface LoadRoute {
  senders: BenchConnection[];
  to: string[];
  /** Client connections open in all (senders and recipients), for the report. */
  connections: number;
}

/** Pairs on one endpoint: every connection sends to its pair (`peerOf`). */
export function pairRoute(connections: BenchConnection[]): LoadRoute {
  return { senders: connections, to: connections.map((_, i) => connections[peerOf(i)]!.userId), connections: connections.length };
}

/** One way: sender `i` sends to recipient `i` (e.g. a user at home in another domain); as many of each. */
export function oneWayRoute(senders: BenchConnection[], recipients: BenchConnection[]): LoadRoute {
  if (senders.length !== recipients.length) throw new Error(`${senders.length} senders but ${recipients.length} recipients`);
  return { senders, to: recipients.map((r) => r.userId), connections: senders.length + recipients.length };
}

/**
 * One rate step: open-loop sends for warm-up + duration over the senders of `route`, then a bounded drain, with CPU
 * and RSS sampled over the measured window (the warm-up is excluded from latency, rates and CPU).
 */
export async function runLoadStep(route: LoadRoute, sink: LoadSink, options: LoadStepOptions): Promise<StepResult> {
  const { senders, to, connections } = route;
  const total = messagesFor(options.rate, options.warmupMs + options.durationMs);
  const startMs = performance.now() + 20;
  const spec: ScheduleSpec = { rate: options.rate, startMs, total, senders: senders.length };
  const fromUs = (startMs + options.warmupMs) * 1000;
  const recorder = new StepRecorder(options.step, senders.length, { fromUs, toUs: fromUs + options.durationMs * 1000 });
  sink.recorder = recorder;
  // CPU and RSS over the measured window: from the end of the warm-up to the last scheduled send.
  // The same window in wall-clock time, for the loop probes' lines (epoch ms, written by other processes).
  const sampler = new ProcSampler(options.watched);
  const wall = { fromMs: 0, toMs: 0 };
  let processes: ProcessUsage[] | undefined;
  const stopSampler = (): void => {
    processes = sampler.stop(performance.now());
    wall.toMs = Date.now();
  };
  const samplerStart = setTimeout(() => {
    sampler.start(performance.now());
    wall.fromMs = Date.now();
  }, options.warmupMs + 20);
  const samplerEnd = setTimeout(stopSampler, options.warmupMs + options.durationMs + 20);
  const pacer = new WorkerPacer();
  await runOpenLoop({
    spec,
    schedule: pacer.schedule,
    now: () => performance.now(),
    send: (index, intendedMs, nowMs) => {
      const sender = senderOf(spec, index);
      const seq = sequenceOf(spec, index);
      const intendedUs = intendedMs * 1000;
      const sentUs = nowMs * 1000;
      const content = encodePayload({ step: options.step, sender, seq, intendedUs, sentUs }, options.payloadBytes);
      // A send refused by a closed socket still counts as sent: it shows up as lost.
      senders[sender]!.send(to[sender]!, content, options.lane);
      recorder.noteSent(sender, seq, intendedUs, sentUs);
    },
  });
  await pacer.close();
  await drain(recorder, options.drainMs);
  clearTimeout(samplerStart);
  clearTimeout(samplerEnd);
  if (processes === undefined) stopSampler();
  await awaitProbeLines(options.watched, wall.toMs);
  const loop = readLoopStats(options.watched, wall);
  return { ...recorder.result(options.rate, connections, processes!, sampler.hostCpuPercent), ...(loop.length > 0 ? { loop } : {}) };
}

async function drain(recorder: StepRecorder, drainMs: number): Promise<void> {
  const deadline = performance.now() + drainMs;
  while (!recorder.complete && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
