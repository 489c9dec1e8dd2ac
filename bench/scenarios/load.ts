import { connectionsFor } from '../src/args';
import { closeAll, openMany, type BenchConnection, type Lane } from '../src/client';
import { LoadSink, runLoadStep } from '../src/load-step';
import { sleep } from '../src/processes';
import type { StepResult, Target } from '../src/results';
import { emptyResult, startRequest, userId, watchedOf, withDeployment, type Deployment, type Scenario, type ScenarioContext, type StartDeployment } from '../src/scenario';

export interface LoadScenarioSpec {
  name: string;
  mode: Deployment['mode'];
  lane: Lane;
  description: string;
  defaultRates: number[];
  start: StartDeployment;
  targets(steps: StepResult[]): Target[];
}

const PROBE_DEADLINE_MS = 60_000;

/**
 * Before measuring, make sure messages flow end to end on `lane` (consumers joined, topics created): send a probe
 * from connection 0 to connection 1 until one arrives. FAST probes may be dropped while the path warms up, so each
 * probe waits a second and the next one goes out.
 */
async function awaitFlow(connections: BenchConnection[], sink: LoadSink, lane: Lane): Promise<void> {
  const deadline = Date.now() + PROBE_DEADLINE_MS;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const probe = `probe:${attempt}`;
    connections[0]!.send(connections[1]!.userId, probe, lane);
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      if (sink.probes.has(probe)) return;
      await sleep(10);
    }
  }
  throw new Error(`no ${lane} message went from ${connections[0]!.userId} to ${connections[1]!.userId} within ${PROBE_DEADLINE_MS / 1000} s`);
}

async function runSteps(spec: LoadScenarioSpec, context: ScenarioContext, deployment: Deployment, steps: StepResult[]): Promise<void> {
  const { options } = context;
  const rates = options.rates ?? spec.defaultRates;
  const count = connectionsFor(options, rates);
  const sink = new LoadSink();
  context.progress(`${spec.name}: opening ${count} connections (${context.client.name})`);
  const { connections, failures } = await openMany(context.client, deployment.endpoint, count, (i) => ({
    userId: userId(deployment, i),
    handlers: { onMessage: sink.onMessage },
  }));
  try {
    if (failures.length > 0) throw new Error(`${failures.length} of ${count} connections failed, e.g. ${failures[0]}`);
    await awaitFlow(connections, sink, spec.lane);
    for (const [index, rate] of rates.entries()) {
      context.progress(`${spec.name}: step ${index + 1}/${rates.length}: ${rate} msg/s for ${options.warmupS} s warm-up + ${options.durationS} s`);
      const step = await runLoadStep(connections, sink, {
        step: index, rate, lane: spec.lane, payloadBytes: options.payloadBytes, watched: watchedOf(deployment),
        durationMs: options.durationS * 1000, warmupMs: options.warmupS * 1000, drainMs: Math.max(5000, options.durationS * 500),
      });
      steps.push(step);
      const { latency, delivery } = step;
      context.progress(`${spec.name}: ${rate} msg/s → achieved ${step.achievedRate}, p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms, lost ${delivery.lost}, dup ${delivery.duplicates}`);
    }
  } finally {
    await closeAll(connections);
  }
}

/** A one-to-one load scenario: pairs of users send to each other at each rate step, open loop. */
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
          result.targets = spec.targets(result.steps!);
        }
      });
    },
  };
}
