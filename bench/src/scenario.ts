import { join } from 'node:path';
import type { BenchOptions } from './args';
import type { BenchClientFactory, BenchEndpoint } from './client';
import { PROBE_FILE_ENV, PROBE_PATH, type Probed } from './loop-stats';
import { overdueText, startProcess, takeOverdueStops, type ServerProcess, type StartOptions } from './processes';
import type { Watched } from './proc-stats';
import type { ScenarioResult } from './results';

const REPO = join(__dirname, '..', '..');

/** A running system under test: where clients connect, which processes to measure, how to stop it. */
export interface Deployment {
  mode: ScenarioResult['mode'];
  endpoint: BenchEndpoint;
  /** User ids are `<appName>-<number>`; numbers start at `userBase` (fresh per deployment, so no stale mailbox). */
  appName: string;
  userBase: number;
  /** The server processes, the one that holds the (sending) client sockets first. */
  servers: ServerProcess[];
  /**
   * Where the recipients of a load scenario connect, when they are not at `endpoint`: users whose home is another
   * domain (a federation). Senders then connect to `endpoint` and each sends one way to its own recipient here,
   * numbered from `userBase`. Absent: the connections pair up on `endpoint` and send to each other.
   */
  recipients?: { endpoint: BenchEndpoint; userBase: number };
  /** Processes measured but not started here (the real services: Kafka, FerretDB, …); never stopped by the bench. */
  services?: Watched[];
  /** How clients talk to this deployment, when not the run's own client (`--client`): another product's protocol. */
  client?: BenchClientFactory;
  stop(): Promise<void>;
}

/** What starting a deployment needs: where the built apps are, and where to leave notes for the report. */
export interface StartRequest {
  notes: string[];
  /** The build to run (`dist` by default; `--dist` picks another, e.g. a snapshot built with `tsc --outDir`). */
  distDir: string;
  /**
   * Start Node server process `name` (`args`: its entry and flags) the way the bench runs every Node server: with the
   * loop probe preloaded (writing to its own file) and `--cpu-prof` when profiling. The working directory is the
   * repository unless `options.cwd` says otherwise.
   */
  startNode(name: string, args: string[], env: NodeJS.ProcessEnv, options?: StartOptions): ServerProcess;
}

export type StartDeployment = (request: StartRequest) => Promise<Deployment>;

export function userId(deployment: Deployment, index: number): string {
  return `${deployment.appName}-${deployment.userBase + index}`;
}

/** The processes a step samples: every server and the load process itself. */
export function watchedOf(deployment: Deployment): Array<Watched & Probed> {
  const servers = deployment.servers.map(({ name, pid, probeFile }) => ({ name, pid, probeFile }));
  return [...servers, ...(deployment.services ?? []), { name: 'load', pid: process.pid }];
}

/** The client a deployment is driven with: its own, else the run's. */
export const clientOf = (context: ScenarioContext, deployment: Deployment): BenchClientFactory => deployment.client ?? context.client;

export interface ScenarioContext {
  options: BenchOptions;
  client: BenchClientFactory;
  /** One progress line on stderr. */
  progress(line: string): void;
  /** Where server processes write CPU profiles, when profiling. */
  profileDir?: string;
  /** Where the loop probes of the Node server processes write (one file per scenario and process). */
  probeDir: string;
  /** The results of the scenarios that ran before this one in the same run (a reference to compare with). */
  earlier: ScenarioResult[];
}

/** What a scenario's deployment is started with. */
export function startRequest(context: ScenarioContext, scenario: string, notes: string[]): StartRequest {
  const dir = context.profileDir;
  const profile = (name: string): string[] =>
    dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${scenario}.${name}.cpuprofile`] : [];
  return {
    notes,
    distDir: context.options.distDir,
    startNode: (name, args, env, options) => {
      const probeFile = join(context.probeDir, `${scenario}.${name}.jsonl`);
      return startProcess(
        name,
        process.execPath,
        [...profile(name), '--require', PROBE_PATH, ...args],
        { ...env, [PROBE_FILE_ENV]: probeFile },
        { cwd: REPO, ...options, probeFile },
      );
    },
  };
}

export interface Scenario {
  name: string;
  mode: ScenarioResult['mode'];
  description: string;
  /**
   * Work before the run's watchdog starts, which may take minutes (building the product under test); a failure here
   * is not thrown either: the scenario's run meets it again and reports it.
   */
  prepare?(progress: (line: string) => void): Promise<void>;
  /** Run to completion; a failure is returned as `error` in the result, not thrown. */
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/** A scenario result with nothing measured yet. */
export function emptyResult(scenario: Pick<Scenario, 'name' | 'mode' | 'description'>): ScenarioResult {
  return {
    name: scenario.name,
    mode: scenario.mode,
    description: scenario.description,
    startedAt: new Date().toISOString(),
    targets: [],
    notes: [],
  };
}

/** Start a deployment, run `body` on it, always stop it; errors become the result's `error`. */
export async function withDeployment(
  result: ScenarioResult,
  start: () => Promise<Deployment>,
  body: (deployment: Deployment) => Promise<void>,
): Promise<ScenarioResult> {
  let deployment: Deployment | undefined;
  try {
    deployment = await start();
    await body(deployment);
  } catch (error) {
    result.error = (error as Error).message;
    for (const server of deployment?.servers ?? []) {
      const tail = server.tail().trim().split('\n').slice(-8).join('\n');
      if (tail) result.notes.push(`last output of ${server.name}:\n\n\`\`\`\n${tail.slice(-2000)}\n\`\`\``);
    }
  } finally {
    await deployment?.stop().catch((error: Error) => result.notes.push(`stopping the deployment failed: ${error.message}`));
    noteOverdueStops(result);
  }
  return result;
}

/** Processes of this scenario that did not stop in time are an error of its result (also listed at the end of the run). */
function noteOverdueStops(result: ScenarioResult): void {
  const late = takeOverdueStops();
  if (late.length === 0) return;
  result.overdueStops = late;
  const text = `did not stop in time: ${late.map(overdueText).join('; ')}`;
  result.error = result.error ? `${result.error}\n${text}` : text;
}
