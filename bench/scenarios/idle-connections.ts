import { performance } from 'node:perf_hooks';
import { closeAll, openMany } from '../src/client';
import { readProc } from '../src/proc-stats';
import { sleep, type ServerProcess } from '../src/processes';
import { target, type IdleResult } from '../src/results';
import {
  clientOf,
  emptyResult,
  startRequest,
  userId,
  withDeployment,
  type Deployment,
  type Scenario,
  type StartDeployment,
  type ScenarioContext,
} from '../src/scenario';

/** Source addresses the sockets are spread over (all loopback; the destination is always 127.0.0.1). */
const SOURCES = 8;
const SETTLE_MS = 3000;

/** Most RSS an idle authenticated connection may cost the process that holds it. */
const TARGET_KIB = 8;

/**
 * RSS of `server` once it has settled: the median of five readings over `SETTLE_MS`. A Node server with the loop probe
 * runs a full garbage collection first (SIGUSR2, see loop-probe.cjs), so its reading is live memory; another process
 * (Centrifugo) is read as it is, its uncollected garbage included.
 */
async function settledRss({ pid, probeFile }: Pick<ServerProcess, 'pid' | 'probeFile'>): Promise<number> {
  if (probeFile) process.kill(pid, 'SIGUSR2');
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    await sleep(SETTLE_MS / 5);
    readings.push(readProc(pid).rssKiB);
  }
  return readings.sort((a, b) => a - b)[2]!;
}

async function measure(context: ScenarioContext, deployment: Deployment, name: string): Promise<IdleResult> {
  const edge = deployment.servers[0]!;
  const count = context.options.idleCount;
  const [serverBefore, loadBefore] = [await settledRss(edge), readProc(process.pid).rssKiB];
  context.progress(`${name}: opening ${count} authenticated connections to ${edge.name}`);
  const started = performance.now();
  const { connections, failures } = await openMany(
    clientOf(context, deployment),
    deployment.endpoint,
    count,
    (i) => ({
      userId: userId(deployment, i),
      localAddress: `127.0.0.${1 + (i % SOURCES)}`,
      handlers: { onMessage: () => undefined },
    }),
    200,
  );
  const openSeconds = (performance.now() - started) / 1000;
  try {
    context.progress(
      `${name}: ${connections.length} open in ${openSeconds.toFixed(1)} s (${failures.length} failed); letting ${edge.name} settle`,
    );
    const [serverAfter, loadAfter] = [await settledRss(edge), readProc(process.pid).rssKiB];
    const opened = Math.max(1, connections.length);
    return {
      connections: connections.length,
      failed: failures.length,
      openSeconds,
      serverName: edge.name,
      serverRssBeforeKiB: serverBefore,
      serverRssAfterKiB: serverAfter,
      serverKiBPerConnection: (serverAfter - serverBefore) / opened,
      loadRssBeforeKiB: loadBefore,
      loadRssAfterKiB: loadAfter,
      loadKiBPerConnection: (loadAfter - loadBefore) / opened,
    };
  } finally {
    await closeAll(connections);
  }
}

const HOLDERS: Record<Deployment['mode'], string> = {
  real: 'connector',
  embedded: 'embedded',
  baseline: 'bare ws relay (the floor `ws` itself sets)',
  centrifugo: 'Centrifugo (memory engine)',
};

/**
 * N idle authenticated connections (for Centrifugo: connected and subscribed to the user's channel): the RSS the
 * process holding the sockets gains per connection.
 */
export function idleScenario(name: string, mode: Deployment['mode'], start: StartDeployment, prepare?: Scenario['prepare']): Scenario {
  const what =
    mode === 'centrifugo' ? 'Idle connections, each connected and subscribed to its own channel,' : 'Idle authenticated connections';
  const description = `${what} held by the ${HOLDERS[mode]} process: its RSS after, minus before, per connection${mode === 'centrifugo' ? '' : ` (target ≤ ${TARGET_KIB} KiB)`}.`;
  return {
    name,
    mode,
    description,
    prepare,
    run: (context) => {
      const result = emptyResult({ name, mode, description });
      return withDeployment(
        result,
        () => start(startRequest(context, name, result.notes)),
        async (deployment) => {
          result.idle = await measure(context, deployment, name);
          result.targets =
            mode === 'centrifugo'
              ? []
              : [target('RSS per idle connection', Math.round(result.idle.serverKiBPerConnection * 100) / 100, TARGET_KIB, 'KiB')];
          if (result.idle.failed > 0) result.notes.push(`${result.idle.failed} connections failed to open or authenticate.`);
          if (!deployment.servers[0]?.probeFile)
            result.notes.push('RSS includes garbage the server has not collected yet; read it as an upper bound.');
        },
      );
    },
  };
}
