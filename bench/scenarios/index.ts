import { latencyTargets } from '../src/results';
import type { Scenario } from '../src/scenario';
import { startBaseline } from './baseline';
import { startEmbedded } from './deployments';
import { idleScenario } from './idle-connections';
import { loadScenario } from './load';
import { mailboxScenario } from './mailbox-fetch';
import { startReal } from './real';

const FAST_RATES = [1000, 2000, 5000, 10_000];
const RELIABLE_RATES = [500, 1000, 2000, 4000];
const fastTargets = (steps: Parameters<typeof latencyTargets>[0]) => latencyTargets(steps, 5000, 1, 5);
const reliableTargets = (steps: Parameters<typeof latencyTargets>[0]) => latencyTargets(steps, 2000, 4, 15);

/** Every scenario, in the order `npm run bench` runs them. */
export const SCENARIOS: Scenario[] = [
  loadScenario({
    name: 'embedded-fast', mode: 'embedded', lane: 'FAST', defaultRates: FAST_RATES, start: startEmbedded, targets: fastTargets,
    description: 'FAST one-to-one in embedded mode (one process: connector, processor, in-process lanes). Target at 5,000 msg/s: p50 ≤ 1 ms, p99 ≤ 5 ms.',
  }),
  loadScenario({
    name: 'embedded-reliable', mode: 'embedded', lane: 'RELIABLE', defaultRates: RELIABLE_RATES, start: startEmbedded, targets: reliableTargets,
    description: 'RELIABLE one-to-one in embedded mode. Target at 2,000 msg/s: p50 ≤ 4 ms, p99 ≤ 15 ms.',
  }),
  loadScenario({
    name: 'real-fast', mode: 'real', lane: 'FAST', defaultRates: FAST_RATES, start: startReal, targets: fastTargets,
    description: 'FAST one-to-one in real mode (connector → NATS → processor → NATS → connector; meta-server, processor, connector as processes). Target at 5,000 msg/s: p50 ≤ 1 ms, p99 ≤ 5 ms.',
  }),
  loadScenario({
    name: 'real-reliable', mode: 'real', lane: 'RELIABLE', defaultRates: RELIABLE_RATES, start: startReal, targets: reliableTargets,
    description: 'RELIABLE one-to-one in real mode (connector → Kafka → processor → Kafka → connector). Target at 2,000 msg/s: p50 ≤ 4 ms, p99 ≤ 15 ms.',
  }),
  idleScenario('idle-connections-embedded', 'embedded', startEmbedded),
  idleScenario('idle-connections-real', 'real', startReal),
  mailboxScenario('mailbox-fetch-embedded', 'embedded', startEmbedded),
  mailboxScenario('mailbox-fetch-real', 'real', startReal),
  loadScenario({
    name: 'baseline', mode: 'baseline', lane: 'FAST', defaultRates: FAST_RATES, start: startBaseline, targets: () => [],
    description: 'The harness alone: the same load through a bare `ws` relay (bench/src/fake-router.ts) instead of the product. Its latency is the floor the load generator and one WebSocket hop set.',
  }),
  idleScenario('idle-connections-baseline', 'baseline', startBaseline),
];

/** Names that stand for several scenarios. */
export const GROUPS: Record<string, string[]> = {
  all: SCENARIOS.filter((s) => s.mode !== 'baseline').map((s) => s.name),
  embedded: SCENARIOS.filter((s) => s.mode === 'embedded').map((s) => s.name),
  real: SCENARIOS.filter((s) => s.mode === 'real').map((s) => s.name),
  'idle-connections': ['idle-connections-embedded', 'idle-connections-real'],
  baselines: ['baseline', 'idle-connections-baseline'],
  'mailbox-fetch': ['mailbox-fetch-embedded', 'mailbox-fetch-real'],
};

/** The scenarios named (scenario or group names, in run order, each once); all but the baseline when none is named. */
export function selectScenarios(names: string[]): Scenario[] {
  const wanted = new Set<string>();
  for (const name of names.length > 0 ? names : ['all']) {
    const expanded = GROUPS[name] ?? (SCENARIOS.some((s) => s.name === name) ? [name] : undefined);
    if (!expanded) throw new Error(`unknown scenario ${JSON.stringify(name)}; known: ${[...SCENARIOS.map((s) => s.name), ...Object.keys(GROUPS)].join(', ')}`);
    expanded.forEach((n) => wanted.add(n));
  }
  return SCENARIOS.filter((s) => wanted.has(s.name));
}
