import { deploymentCpuTarget, latencyTargets, perHopTable, perHopTargets, type ScenarioResult, type StepResult } from '../src/results';
import type { Lane } from '../src/client';
import type { Scenario } from '../src/scenario';
import { startBaseline } from './baseline';
import { channelScenario } from './channels';
import { startCentrifugo } from './centrifugo';
import { centrifugoBinary } from './centrifugo-build';
import { startEmbedded } from './deployments';
import { startFederation } from './federation';
import { idleScenario } from './idle-connections';
import { loadScenario } from './load';
import { mailboxScenario } from './mailbox-fetch';
import { startReal, startRealTwoConnectors } from './real';
import { startWebhookDeployment, webhookComparison } from './webhooks';

const FAST_RATES = [1000, 2000, 5000, 10_000];
const RELIABLE_RATES = [500, 1000, 2000, 4000];
const fastTargets = (steps: Parameters<typeof latencyTargets>[0]) => latencyTargets(steps, 5000, 1, 5);
const reliableTargets = (steps: Parameters<typeof latencyTargets>[0]) => latencyTargets(steps, 2000, 4, 15);

/** The quiet load: a domain holding many users who say little, where fixed costs (timers, polls, heartbeats) show. */
const QUIET = { rates: [10], connections: 1000, durationS: 20 };
const QUIET_TEXT = `${QUIET.connections.toLocaleString('en-US')} connections in pairs sending ${QUIET.rates[0]} msg/s in all, for ${QUIET.durationS} s`;

/** The team-tracking system's load: 1,000 workers in 10 teams, a position every 550 ms, 2 managers per team. */
const TEAM_TRACKING = { publishers: 1_000, channels: 10, subscribersPerChannel: 2, intervalMs: 550 };

/** What one domain-to-domain hop may add to the p50 latency, ms. */
const PER_HOP_P50_MS: Record<Lane, number> = { FAST: 1, RELIABLE: 3 };

/**
 * A cross-domain load scenario: senders at bench-01 send one way to users at home `hops` hops away, through a line of
 * embedded processes. Compared with the single-domain `embedded-fast` / `embedded-reliable` of the same run.
 */
function federationScenario(lane: Lane, hops: number): Scenario {
  const reference = `embedded-${lane.toLowerCase()}`;
  const referenceOf = (earlier: ScenarioResult[]): ScenarioResult | undefined => earlier.find((s) => s.name === reference);
  const line = ['bench-01', 'bench-02', 'bench-03'].slice(0, hops + 1).join(' — ');
  return loadScenario({
    name: `federation-${lane.toLowerCase()}-${hops}hop`,
    mode: 'embedded',
    lane,
    defaultRates: lane === 'FAST' ? FAST_RATES : RELIABLE_RATES,
    start: startFederation(hops),
    targets: (steps: StepResult[], earlier) => perHopTargets(steps, referenceOf(earlier), reference, hops, PER_HOP_P50_MS[lane]),
    notes: (steps, earlier) => {
      const table = perHopTable(steps, referenceOf(earlier), reference, hops);
      return table
        ? [table]
        : [`Run ${reference} in the same run (before this scenario) to compare: \`--scenario ${reference},federation\`.`];
    },
    description:
      `${lane} one way across ${hops} hop${hops > 1 ? 's' : ''}: embedded processes ${line} (one per domain, linked over WebSockets); ` +
      `senders connect to bench-01, their recipients are at home in bench-0${hops + 1}. Target: each hop adds ≤ ${PER_HOP_P50_MS[lane]} ms to the p50 of ${reference} at the same rate.`,
  });
}

/** Builds Centrifugo before the run's watchdog starts, when it is not cached yet (a failure is met again at start). */
const buildCentrifugo = async (progress: (line: string) => void): Promise<void> => {
  await centrifugoBinary(progress).then(
    () => undefined,
    (error: Error) => progress(`Centrifugo: ${error.message}`),
  );
};

/** Every scenario, in the order `npm run bench` runs them. */
export const SCENARIOS: Scenario[] = [
  loadScenario({
    name: 'embedded-fast',
    mode: 'embedded',
    lane: 'FAST',
    defaultRates: FAST_RATES,
    start: startEmbedded,
    targets: fastTargets,
    description:
      'FAST one-to-one in embedded mode (one process: connector, processor, in-process lanes). Target at 5,000 msg/s: p50 ≤ 1 ms, p99 ≤ 5 ms.',
  }),
  loadScenario({
    name: 'embedded-reliable',
    mode: 'embedded',
    lane: 'RELIABLE',
    defaultRates: RELIABLE_RATES,
    start: startEmbedded,
    targets: reliableTargets,
    description: 'RELIABLE one-to-one in embedded mode. Target at 2,000 msg/s: p50 ≤ 4 ms, p99 ≤ 15 ms.',
  }),
  loadScenario({
    name: 'real-fast',
    mode: 'real',
    lane: 'FAST',
    defaultRates: FAST_RATES,
    start: startReal,
    targets: fastTargets,
    description:
      'FAST one-to-one in real mode (connector → NATS → processor → NATS → connector; meta-server, processor, connector as processes). Target at 5,000 msg/s: p50 ≤ 1 ms, p99 ≤ 5 ms.',
  }),
  loadScenario({
    name: 'real-reliable',
    mode: 'real',
    lane: 'RELIABLE',
    defaultRates: RELIABLE_RATES,
    start: startReal,
    targets: reliableTargets,
    description:
      'RELIABLE one-to-one in real mode (connector → Kafka → processor → Kafka → connector). Target at 2,000 msg/s: p50 ≤ 4 ms, p99 ≤ 15 ms.',
  }),
  loadScenario({
    name: 'quiet-real',
    mode: 'real',
    lane: 'RELIABLE',
    defaultRates: QUIET.rates,
    fixed: QUIET,
    start: startReal,
    targets: (steps) => [deploymentCpuTarget(steps, QUIET.rates[0]!, 5)],
    description: `Real mode almost idle: ${QUIET_TEXT}, RELIABLE. What the deployment (apps and services) costs when traffic is low. Target: under 5% of a core in all.`,
  }),
  idleScenario('idle-connections-embedded', 'embedded', startEmbedded),
  idleScenario('idle-connections-real', 'real', startReal),
  mailboxScenario('mailbox-fetch-embedded', 'embedded', startEmbedded),
  mailboxScenario('mailbox-fetch-real', 'real', startReal),
  loadScenario({
    name: 'baseline',
    mode: 'baseline',
    lane: 'FAST',
    defaultRates: FAST_RATES,
    start: startBaseline,
    targets: () => [],
    description:
      'The harness alone: the same load through a bare `ws` relay (bench/src/fake-router.ts) instead of the product. Its latency is the floor the load generator and one WebSocket hop set.',
  }),
  idleScenario('idle-connections-baseline', 'baseline', startBaseline),
  // The same load against Centrifugo (memory engine, then Redis engine), with its own client (JSON protocol).
  loadScenario({
    name: 'centrifugo-memory',
    mode: 'centrifugo',
    lane: 'FAST',
    defaultRates: FAST_RATES,
    start: startCentrifugo('memory'),
    targets: () => [],
    prepare: buildCentrifugo,
    description:
      'The same one-to-one load through Centrifugo v6.9.1 with its memory engine (one node): each user subscribes to its own channel ' +
      "and publishes to its peer's. Compared with embedded-fast and embedded-reliable (section Compared with Centrifugo).",
  }),
  loadScenario({
    name: 'centrifugo-redis',
    mode: 'centrifugo',
    lane: 'FAST',
    defaultRates: FAST_RATES,
    start: startCentrifugo('redis'),
    targets: () => [],
    prepare: buildCentrifugo,
    description:
      "The same load through Centrifugo v6.9.1 with its Redis engine, on the project's Redis (services.env); CPU of Centrifugo and Redis. " +
      'Compared with real-fast and real-reliable.',
  }),
  loadScenario({
    name: 'quiet-centrifugo-redis',
    mode: 'centrifugo',
    lane: 'FAST',
    defaultRates: QUIET.rates,
    fixed: QUIET,
    start: startCentrifugo('redis'),
    targets: () => [],
    prepare: buildCentrifugo,
    description: `Centrifugo v6.9.1 with its Redis engine almost idle: ${QUIET_TEXT}. Compared with quiet-real.`,
  }),
  idleScenario('idle-connections-centrifugo', 'centrifugo', startCentrifugo('memory'), buildCentrifugo),
  // After embedded-fast and embedded-reliable: they are the reference each hop is measured against.
  federationScenario('FAST', 1),
  federationScenario('FAST', 2),
  federationScenario('RELIABLE', 1),
  federationScenario('RELIABLE', 2),
  // Channels (the team-tracking system: 1,000 workers in 10 teams, a position every 550 ms, managers elsewhere).
  channelScenario({
    name: 'team-tracking-real',
    mode: 'real',
    start: startRealTwoConnectors,
    lane: 'FAST',
    ...TEAM_TRACKING,
    subscribersAt: 'other',
    description:
      'Team tracking in real mode: 1,000 workers on connector 1 publish a position every 550 ms (FAST) to their team channel (10 teams); 2 managers per team subscribed on connector 2. Latency from publish to each manager, loss, CPU per process.',
  }),
  channelScenario({
    name: 'team-tracking-federation',
    mode: 'embedded',
    start: startFederation(1),
    lane: 'FAST',
    ...TEAM_TRACKING,
    subscribersAt: 'other',
    description:
      'Team tracking across two domains: the workers publish at bench-01, the managers are subscribed at bench-02 (embedded processes linked over a WebSocket): each publication crosses the link once, whatever the number of managers.',
  }),
  channelScenario({
    name: 'channel-fanout-real',
    mode: 'real',
    start: startRealTwoConnectors,
    lane: 'FAST',
    publishers: 1,
    channels: 1,
    subscribersPerChannel: 1_000,
    intervalMs: 100,
    subscribersAt: 'split',
    description:
      'Channel fan-out in real mode: one publication every 100 ms to one channel with 1,000 subscribers, 500 on each of two connectors (FAST). Deliveries per second, and the latency to the last subscriber of each publication.',
  }),
  // What a webhook receiver that never answers costs the message path: the same RELIABLE load, with and without it.
  loadScenario({
    name: 'webhooks-reliable',
    mode: 'embedded',
    lane: 'RELIABLE',
    defaultRates: RELIABLE_RATES,
    start: startWebhookDeployment('none'),
    targets: reliableTargets,
    description:
      'embedded-reliable with 160 msg/s more to users who never connect (each stored) and no webhook: a reference of webhooks-dead-receiver (group `webhooks`, not in `all`).',
  }),
  loadScenario({
    name: 'webhooks-live-receiver',
    mode: 'embedded',
    lane: 'RELIABLE',
    defaultRates: RELIABLE_RATES,
    start: startWebhookDeployment('live'),
    targets: reliableTargets,
    description:
      "webhooks-reliable with the app's webhook pointing at a receiver that answers 204: every stored message makes a message.stored event, sent at once. The other reference of webhooks-dead-receiver: what webhooks cost at all.",
  }),
  loadScenario({
    name: 'webhooks-dead-receiver',
    mode: 'embedded',
    lane: 'RELIABLE',
    defaultRates: RELIABLE_RATES,
    start: startWebhookDeployment('dead'),
    targets: reliableTargets,
    notes: (steps, earlier) => webhookComparison(steps, earlier, ['webhooks-reliable', 'webhooks-live-receiver']),
    description:
      "webhooks-reliable with the app's webhook pointing at a receiver that accepts connections and never answers: every stored message makes a message.stored event that times out and waits for its retries.",
  }),
];

/** What a dead webhook receiver costs, beside no webhook and a live receiver: three scenarios, not in `all`. */
const WEBHOOKS = ['webhooks-reliable', 'webhooks-live-receiver', 'webhooks-dead-receiver'];
/** Cross-domain scenarios: several processes and about four minutes, so not in `all`. */
const FEDERATION = SCENARIOS.filter((s) => s.name.startsWith('federation-')).map((s) => s.name);
/** Channel scenarios: a thousand sockets and more each, so not in `all`. */
const CHANNELS = ['team-tracking-real', 'team-tracking-federation', 'channel-fanout-real'];
const single = (s: Scenario): boolean => !FEDERATION.includes(s.name) && !CHANNELS.includes(s.name) && !WEBHOOKS.includes(s.name);
/** Centrifugo needs Go and a build of minutes the first time: not in `all`, in `centrifugo` and `compare`. */
const CENTRIFUGO = SCENARIOS.filter((s) => s.mode === 'centrifugo').map((s) => s.name);
const linker = (s: Scenario): boolean => s.mode !== 'baseline' && s.mode !== 'centrifugo';

/** Names that stand for several scenarios. */
export const GROUPS: Record<string, string[]> = {
  all: SCENARIOS.filter((s) => linker(s) && single(s)).map((s) => s.name),
  embedded: SCENARIOS.filter((s) => s.mode === 'embedded' && single(s)).map((s) => s.name),
  real: SCENARIOS.filter((s) => s.mode === 'real').map((s) => s.name),
  'idle-connections': ['idle-connections-embedded', 'idle-connections-real'],
  baselines: ['baseline', 'idle-connections-baseline'],
  'mailbox-fetch': ['mailbox-fetch-embedded', 'mailbox-fetch-real'],
  federation: FEDERATION,
  channels: CHANNELS,
  webhooks: WEBHOOKS,
  centrifugo: CENTRIFUGO,
  /** linker-ts and Centrifugo side by side: every scenario of the section Compared with Centrifugo. */
  compare: [
    'embedded-fast',
    'embedded-reliable',
    'real-fast',
    'real-reliable',
    'quiet-real',
    'idle-connections-embedded',
    'idle-connections-real',
    ...CENTRIFUGO,
  ],
};

/** The scenarios named (scenario or group names, in run order, each once); `all` when none is named. */
export function selectScenarios(names: string[]): Scenario[] {
  const wanted = new Set<string>();
  for (const name of names.length > 0 ? names : ['all']) {
    const expanded = GROUPS[name] ?? (SCENARIOS.some((s) => s.name === name) ? [name] : undefined);
    if (!expanded)
      throw new Error(
        `unknown scenario ${JSON.stringify(name)}; known: ${[...SCENARIOS.map((s) => s.name), ...Object.keys(GROUPS)].join(', ')}`,
      );
    expanded.forEach((n) => wanted.add(n));
  }
  return SCENARIOS.filter((s) => wanted.has(s.name));
}
