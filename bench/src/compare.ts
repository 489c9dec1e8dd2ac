import {
  deploymentCpu,
  deploymentProcesses,
  type AtRate,
  type Comparison,
  type IdleComparison,
  type LoadComparison,
  type MaxRateSide,
  type Pair,
  type QuietComparison,
  type ScenarioResult,
  type SideAtRate,
  type StepResult,
} from './results';

/**
 * linker-ts against Centrifugo, pair by pair, from the scenarios of one run: each side's max sustainable rate, the
 * latency and the CPU per delivered message at every rate both ran at, and the memory per idle connection. Every
 * ratio is linker-ts ÷ Centrifugo. A side that did not run (or measured nothing) is `undefined`: "not measured".
 */

/** The load pairs: the embedded process against the memory engine, real mode against the Redis engine. */
const LOAD_PAIRS: Pair[] = [
  { linker: 'embedded-fast', centrifugo: 'centrifugo-memory' },
  { linker: 'embedded-reliable', centrifugo: 'centrifugo-memory' },
  { linker: 'real-fast', centrifugo: 'centrifugo-redis' },
  { linker: 'real-reliable', centrifugo: 'centrifugo-redis' },
];

/** The quiet load (many connections, few messages): what each deployment costs when there is little to do. */
const QUIET_PAIRS: Pair[] = [{ linker: 'quiet-real', centrifugo: 'quiet-centrifugo-redis' }];

const IDLE_PAIRS: Pair[] = [
  { linker: 'idle-connections-embedded', centrifugo: 'idle-connections-centrifugo' },
  { linker: 'idle-connections-real', centrifugo: 'idle-connections-centrifugo' },
];

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

/** a ÷ b, when both are known and b is not 0. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : round(a / b);
}

/** CPU µs per delivered message of each process of the deployment (the load process left out) and their sum. */
export function cpuPerMessage(step: StepResult): Pick<SideAtRate, 'cpuUsPerMessage' | 'cpuUsPerMessageTotal'> {
  const delivered = step.achievedRate * step.durationS;
  const cpuUsPerMessage: Record<string, number> = {};
  if (delivered <= 0) return { cpuUsPerMessage, cpuUsPerMessageTotal: 0 };
  for (const usage of deploymentProcesses(step)) cpuUsPerMessage[usage.name] = round((usage.cpuSeconds * 1e6) / delivered, 1);
  return {
    cpuUsPerMessage,
    cpuUsPerMessageTotal: round(
      Object.values(cpuUsPerMessage).reduce((sum, us) => sum + us, 0),
      1,
    ),
  };
}

const sideAt = (step: StepResult): SideAtRate => ({ p50Ms: step.latency.p50, p99Ms: step.latency.p99, ...cpuPerMessage(step) });

const measuredSteps = (scenario: ScenarioResult | undefined): StepResult[] => (scenario?.steps ?? []).filter((s) => s.latency.count > 0);

function maxRateOf(scenario: ScenarioResult | undefined): MaxRateSide | undefined {
  const search = scenario?.maxRate;
  return search && search.steps.length > 0 ? { rate: search.rate, atCeiling: search.atCeiling } : undefined;
}

function compareLoad(pair: Pair, byName: Map<string, ScenarioResult>): LoadComparison {
  const [linker, centrifugo] = [byName.get(pair.linker), byName.get(pair.centrifugo)];
  const atRates = measuredSteps(linker).flatMap((step): AtRate[] => {
    const other = measuredSteps(centrifugo).find((s) => s.offeredRate === step.offeredRate);
    if (!other) return [];
    const [l, c] = [sideAt(step), sideAt(other)];
    return [
      {
        rate: step.offeredRate,
        linker: l,
        centrifugo: c,
        p50Ratio: ratio(l.p50Ms, c.p50Ms),
        p99Ratio: ratio(l.p99Ms, c.p99Ms),
        cpuRatio: ratio(l.cpuUsPerMessageTotal, c.cpuUsPerMessageTotal),
      },
    ];
  });
  const [linkerMaxRate, centrifugoMaxRate] = [maxRateOf(linker), maxRateOf(centrifugo)];
  return { ...pair, linkerMaxRate, centrifugoMaxRate, ...maxRateRatio(linkerMaxRate, centrifugoMaxRate), atRates };
}

/** linker-ts ÷ Centrifugo max rate; a side that met the criterion at the ceiling makes it a bound (both: unknown). */
export function maxRateRatio(
  linker: MaxRateSide | undefined,
  centrifugo: MaxRateSide | undefined,
): Pick<LoadComparison, 'maxRateRatio' | 'maxRateRatioIs'> {
  const maxRateRatioIs = linker?.atCeiling ? 'at least' : centrifugo?.atCeiling ? 'at most' : 'exact';
  if (linker?.atCeiling && centrifugo?.atCeiling) return { maxRateRatio: undefined, maxRateRatioIs: 'exact' };
  return { maxRateRatio: ratio(linker?.rate, centrifugo?.rate), maxRateRatioIs };
}

function compareIdle(pair: Pair, byName: Map<string, ScenarioResult>): IdleComparison {
  const perConnection = (name: string): number | undefined => {
    const idle = byName.get(name)?.idle;
    return idle && idle.connections > 0 ? round(idle.serverKiBPerConnection, 2) : undefined;
  };
  const [linker, centrifugo] = [perConnection(pair.linker), perConnection(pair.centrifugo)];
  return { ...pair, linkerKiBPerConnection: linker, centrifugoKiBPerConnection: centrifugo, ratio: ratio(linker, centrifugo) };
}

/** CPU % of one core of each process of the deployment (the load process left out) in the scenario's first measured step. */
function firstStepCpu(scenario: ScenarioResult | undefined): { rate: number; percent: Record<string, number>; total: number } | undefined {
  const step = measuredSteps(scenario)[0];
  return step && { rate: step.offeredRate, ...deploymentCpu(step) };
}

function compareQuiet(pair: Pair, byName: Map<string, ScenarioResult>): QuietComparison {
  const [linker, centrifugo] = [firstStepCpu(byName.get(pair.linker)), firstStepCpu(byName.get(pair.centrifugo))];
  return {
    ...pair,
    rate: linker?.rate ?? centrifugo?.rate,
    linkerCpuPercent: linker?.percent,
    centrifugoCpuPercent: centrifugo?.percent,
    linkerTotal: linker?.total,
    centrifugoTotal: centrifugo?.total,
    ratio: ratio(linker?.total, centrifugo?.total),
  };
}

/** The comparison of every pair (a pair whose sides did not run has nothing measured in it). */
export function compareWithCentrifugo(scenarios: ScenarioResult[]): Comparison {
  const byName = new Map(scenarios.map((s) => [s.name, s]));
  return {
    load: LOAD_PAIRS.map((pair) => compareLoad(pair, byName)),
    quiet: QUIET_PAIRS.map((pair) => compareQuiet(pair, byName)),
    idle: IDLE_PAIRS.map((pair) => compareIdle(pair, byName)),
  };
}
