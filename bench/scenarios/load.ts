import { connectionsFor } from '../src/args';
import { closeAll, openMany, type BenchClientFactory, type BenchConnection, type BenchEndpoint, type Lane } from '../src/client';
import { LoadSink, oneWayRoute, pairRoute, runLoadStep, type LoadRoute } from '../src/load-step';
import { DEFAULT_PLAN, nextRate, searchResult, verdict, type SearchPlan, type Tried } from '../src/max-rate';
import { sleep } from '../src/processes';
import type { MaxRateResult, ScenarioResult, SearchStep, StepResult, Target } from '../src/results';
import {
  clientOf,
  emptyResult,
  startRequest,
  watchedOf,
  withDeployment,
  type Deployment,
  type Scenario,
  type ScenarioContext,
  type StartDeployment,
} from '../src/scenario';

export interface LoadScenarioSpec {
  name: string;
  mode: Deployment['mode'];
  lane: Lane;
  description: string;
  defaultRates: number[];
  start: StartDeployment;
  /** The targets met or missed; `earlier` are the results of the scenarios run before in the same run. */
  targets(steps: StepResult[], earlier: ScenarioResult[]): Target[];
  /** Notes for the report computed from the steps (e.g. a comparison with an earlier scenario). */
  notes?(steps: StepResult[], earlier: ScenarioResult[]): string[];
  /** Work before the run's watchdog starts (e.g. building the product under test). */
  prepare?: Scenario['prepare'];
  /**
   * A load of its own that `--rates`, `--connections`, `--duration` and `--max-rate` do not change (the quiet load:
   * many connections, few messages).
   */
  fixed?: { rates: number[]; connections: number; durationS: number };
}

const PROBE_DEADLINE_MS = 60_000;

/**
 * Before measuring, make sure messages flow end to end on `lane` (consumers joined, topics created, links up): send a
 * probe from the first sender to its recipient until one arrives. FAST probes may be dropped while the path warms
 * up, so each probe waits a second and the next one goes out.
 */
async function awaitFlow(route: LoadRoute, sink: LoadSink, lane: Lane): Promise<void> {
  const [sender, to] = [route.senders[0]!, route.to[0]!];
  const deadline = Date.now() + PROBE_DEADLINE_MS;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const probe = `probe:${attempt}`;
    sender.send(to, probe, lane);
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      if (sink.probes.has(probe)) return;
      await sleep(10);
    }
  }
  throw new Error(`no ${lane} message went from ${sender.userId} to ${to} within ${PROBE_DEADLINE_MS / 1000} s`);
}

/** Open `count` connections at `endpoint` for users `<appName>-<userBase + i>`, all feeding `sink`. */
async function openUsers(
  client: BenchClientFactory,
  endpoint: BenchEndpoint,
  first: { appName: string; userBase: number },
  count: number,
  sink: LoadSink,
  opened: BenchConnection[],
  ack: boolean,
): Promise<BenchConnection[]> {
  const { connections, failures } = await openMany(client, endpoint, count, (i) => ({
    userId: `${first.appName}-${first.userBase + i}`,
    ack,
    handlers: { onMessage: sink.onMessage },
  }));
  opened.push(...connections);
  if (failures.length > 0) throw new Error(`${failures.length} of ${count} connections to ${endpoint.url} failed, e.g. ${failures[0]}`);
  return connections;
}

/**
 * The connections of a scenario and who sends to whom: pairs on the deployment's endpoint, or, when the deployment
 * has `recipients` elsewhere, senders at its endpoint each sending one way to its own recipient there.
 */
async function openRoute(
  context: ScenarioContext,
  deployment: Deployment,
  count: number,
  sink: LoadSink,
  opened: BenchConnection[],
): Promise<LoadRoute> {
  const { recipients } = deployment;
  const client = clientOf(context, deployment);
  const ack = context.options.ack && deployment.client === undefined; // a peer's own client has no ack mode
  const where = recipients ? `${count} senders and ${count} recipients` : `${count} connections`;
  context.progress(`opening ${where} (${client.name}${ack ? ', ack mode' : ''})`);
  const senders = await openUsers(client, deployment.endpoint, deployment, count, sink, opened, ack);
  if (!recipients) return pairRoute(senders);
  const others = { appName: deployment.appName, userBase: recipients.userBase };
  return oneWayRoute(senders, await openUsers(client, recipients.endpoint, others, count, sink, opened, ack));
}

/** Open `count` connections, wait until messages flow, run `body` on them, always close them. */
async function withRoute<T>(run: Run, count: number, body: (route: LoadRoute, sink: LoadSink) => Promise<T>): Promise<T> {
  const sink = new LoadSink();
  const opened: BenchConnection[] = [];
  try {
    const route = await openRoute({ ...run.context, progress: run.progress }, run.deployment, count, sink, opened);
    await awaitFlow(route, sink, run.spec.lane);
    return await body(route, sink);
  } finally {
    await closeAll(opened);
  }
}

/** What every step of one scenario shares. */
interface Run {
  spec: LoadScenarioSpec;
  context: ScenarioContext;
  deployment: Deployment;
  progress(line: string): void;
}

/** One step at `rate` for `durationS` measured seconds; `index` tells its messages from other steps'. */
async function runStep(
  run: Run,
  route: LoadRoute,
  sink: LoadSink,
  index: number,
  rate: number,
  durationS: number,
  label: string,
): Promise<StepResult> {
  const { options } = run.context;
  run.progress(`${label}: ${rate} msg/s for ${options.warmupS} s warm-up + ${durationS} s`);
  const step = await runLoadStep(route, sink, {
    step: index,
    rate,
    lane: run.spec.lane,
    payloadBytes: options.payloadBytes,
    watched: watchedOf(run.deployment),
    durationMs: durationS * 1000,
    warmupMs: options.warmupS * 1000,
    drainMs: Math.max(5000, durationS * 500),
  });
  const { latency, delivery } = step;
  run.progress(
    `${rate} msg/s → achieved ${step.achievedRate}, p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms, lost ${delivery.lost}, dup ${delivery.duplicates}`,
  );
  return step;
}

const ratesOf = (run: Run): number[] => run.spec.fixed?.rates ?? run.context.options.rates ?? run.spec.defaultRates;

async function runSteps(run: Run, steps: StepResult[]): Promise<void> {
  const { fixed } = run.spec;
  const rates = ratesOf(run);
  const connections = fixed?.connections ?? connectionsFor(run.context.options, rates);
  const durationS = fixed?.durationS ?? run.context.options.durationS;
  await withRoute(run, connections, async (route, sink) => {
    for (const [index, rate] of rates.entries())
      steps.push(await runStep(run, route, sink, index, rate, durationS, `step ${index + 1}/${rates.length}`));
  });
}

/**
 * The max sustainable rate (`--max-rate`): steps of `--max-rate-duration` s chosen by `nextRate`, on connections
 * enough for the ceiling (opened anew, so the fixed steps before ran as without the search). `report` gets the result
 * so far after every step, so a failure midway keeps what was measured.
 */
async function searchMaxRate(run: Run, report: (result: MaxRateResult) => void): Promise<void> {
  const { options } = run.context;
  const plan: SearchPlan = { ...DEFAULT_PLAN, start: ratesOf(run)[0]!, ceiling: options.maxRateCeiling };
  const steps: SearchStep[] = [];
  const firstIndex = ratesOf(run).length;
  await withRoute(run, connectionsFor(options, [plan.ceiling]), async (route, sink) => {
    const tried = (): Tried[] => steps.map((s) => ({ rate: s.offeredRate, passed: s.passed }));
    for (let rate = nextRate([], plan); rate !== undefined; rate = nextRate(tried(), plan)) {
      const step = await runStep(
        run,
        route,
        sink,
        firstIndex + steps.length,
        rate,
        options.maxRateDurationS,
        `max-rate search step ${steps.length + 1}`,
      );
      steps.push({ ...step, ...verdict(step) });
      run.progress(`max-rate search: ${rate} msg/s ${steps[steps.length - 1]!.why}`);
      report(searchResult(steps, plan, options.maxRateDurationS, options.warmupS));
    }
  });
}

/**
 * An open-loop load scenario: pairs of users send to each other at each rate step, or, on a deployment with
 * `recipients` (a federation), senders send one way to users at home in another domain.
 */
export function loadScenario(spec: LoadScenarioSpec): Scenario {
  return {
    name: spec.name,
    mode: spec.mode,
    description: spec.description,
    prepare: spec.prepare,
    run: (context) => {
      const result = emptyResult(spec);
      result.steps = [];
      return withDeployment(
        result,
        () => spec.start(startRequest(context, spec.name, result.notes)),
        async (deployment) => {
          const run: Run = { spec, context, deployment, progress: (line) => context.progress(`${spec.name}: ${line}`) };
          try {
            await runSteps(run, result.steps!);
            if (context.options.maxRate && !spec.fixed) await searchMaxRate(run, (maxRate) => (result.maxRate = maxRate));
          } finally {
            result.targets = spec.targets(result.steps!, context.earlier);
            result.notes.push(...(spec.notes?.(result.steps!, context.earlier) ?? []));
          }
        },
      );
    },
  };
}
