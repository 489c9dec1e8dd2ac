import { connectionsFor } from '../src/args';
import { closeAll, openMany, type BenchConnection, type BenchEndpoint, type Lane } from '../src/client';
import { LoadSink, oneWayRoute, pairRoute, runLoadStep, type LoadRoute } from '../src/load-step';
import { sleep } from '../src/processes';
import type { ScenarioResult, StepResult, Target } from '../src/results';
import { emptyResult, startRequest, watchedOf, withDeployment, type Deployment, type Scenario, type ScenarioContext, type StartDeployment } from '../src/scenario';

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
async function openUsers(context: ScenarioContext, endpoint: BenchEndpoint, appName: string, userBase: number, count: number, sink: LoadSink, opened: BenchConnection[]): Promise<BenchConnection[]> {
  const { connections, failures } = await openMany(context.client, endpoint, count, (i) => ({
    userId: `${appName}-${userBase + i}`,
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
async function openRoute(context: ScenarioContext, deployment: Deployment, count: number, sink: LoadSink, opened: BenchConnection[]): Promise<LoadRoute> {
  const { recipients } = deployment;
  const where = recipients ? `${count} senders and ${count} recipients` : `${count} connections`;
  context.progress(`opening ${where} (${context.client.name})`);
  const senders = await openUsers(context, deployment.endpoint, deployment.appName, deployment.userBase, count, sink, opened);
  if (!recipients) return pairRoute(senders);
  return oneWayRoute(senders, await openUsers(context, recipients.endpoint, deployment.appName, recipients.userBase, count, sink, opened));
}

async function runSteps(spec: LoadScenarioSpec, context: ScenarioContext, deployment: Deployment, steps: StepResult[]): Promise<void> {
  const { options } = context;
  const rates = options.rates ?? spec.defaultRates;
  const sink = new LoadSink();
  const opened: BenchConnection[] = [];
  try {
    const route = await openRoute({ ...context, progress: (line) => context.progress(`${spec.name}: ${line}`) }, deployment, connectionsFor(options, rates), sink, opened);
    await awaitFlow(route, sink, spec.lane);
    for (const [index, rate] of rates.entries()) {
      context.progress(`${spec.name}: step ${index + 1}/${rates.length}: ${rate} msg/s for ${options.warmupS} s warm-up + ${options.durationS} s`);
      const step = await runLoadStep(route, sink, {
        step: index, rate, lane: spec.lane, payloadBytes: options.payloadBytes, watched: watchedOf(deployment),
        durationMs: options.durationS * 1000, warmupMs: options.warmupS * 1000, drainMs: Math.max(5000, options.durationS * 500),
      });
      steps.push(step);
      const { latency, delivery } = step;
      context.progress(`${spec.name}: ${rate} msg/s → achieved ${step.achievedRate}, p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms, lost ${delivery.lost}, dup ${delivery.duplicates}`);
    }
  } finally {
    await closeAll(opened);
  }
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
    run: (context) => {
      const result = emptyResult(spec);
      result.steps = [];
      return withDeployment(result, () => spec.start(startRequest(context, spec.name, result.notes)), async (deployment) => {
        try {
          await runSteps(spec, context, deployment, result.steps!);
        } finally {
          result.targets = spec.targets(result.steps!, context.earlier);
          result.notes.push(...(spec.notes?.(result.steps!, context.earlier) ?? []));
        }
      });
    },
  };
}
