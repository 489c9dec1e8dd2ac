/**
 * `npm run bench -- [--scenario NAME ...] [--duration 10] [--rates 1000,2000,5000] [--connections 100] …`
 * Runs the chosen scenarios one after the other, prints progress on stderr and the Markdown report on stdout, and
 * writes bench/results/<timestamp>/{results.json,results.md,latency.svg}. Only ever connects to 127.0.0.1; every wait
 * has a deadline and an overall watchdog ends an overdue run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { profilesMarkdown } from './src/cpu-profile';
import { connectionsFor, parseBenchArgs, USAGE, type BenchOptions } from './src/args';
import { overdueText, killStarted } from './src/processes';
import { rawClient } from './src/raw-client';
import { timestampName, writeReports } from './src/report-files';
import type { RunResult } from './src/results';
import type { Scenario, ScenarioContext } from './src/scenario';
import { sdkClient } from './src/sdk-client';
import { selectScenarios } from './scenarios';

const started = performance.now();
const progress = (line: string): void => {
  process.stderr.write(`[+${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
};

/** Open files this process may hold (children inherit it): the soft limit of /proc/self/limits. */
function openFileLimit(): number {
  const match = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
}

/** The commit measured: a snapshot's COMMIT file (bench/snapshot.sh) beside its dist, else the checkout's HEAD. */
function gitState(distDir: string): { commit: string; dirty: boolean } {
  const snapshot = join(dirname(resolve(distDir)), 'COMMIT');
  if (existsSync(snapshot)) return { commit: readFileSync(snapshot, 'utf8').trim(), dirty: false };
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: join(__dirname, '..'), encoding: 'utf8' }).trim();
  try {
    return { commit: git('rev-parse', '--short', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

/** A generous upper bound of the run's length, for the watchdog. */
function budgetSeconds(options: BenchOptions, scenarios: Scenario[]): number {
  const stepSeconds = (duration: number): number => options.warmupS + duration + Math.max(5, duration / 2) + 5;
  const steps = options.rates?.length ?? 4;
  // The search: doubling from the first rate up to the ceiling (or halving down to 50 msg/s), then 3 bisections.
  const searchSteps = options.maxRate ? Math.ceil(Math.log2(options.maxRateCeiling / 50)) + 4 : 0;
  const perScenario =
    180 + steps * stepSeconds(options.durationS) + (options.maxRate ? 120 + searchSteps * stepSeconds(options.maxRateDurationS) : 0);
  return scenarios.length * perScenario + 60;
}

function parseOrExit(): BenchOptions {
  try {
    const options = parseBenchArgs(process.argv.slice(2));
    if (options.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    return options;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
}

/** Ends an overdue run: kills what it started, writes what was measured, exits 1. */
function startWatchdog(budget: number, outDir: string, run: RunResult): NodeJS.Timeout {
  const watchdog = setTimeout(() => {
    progress(`the run took longer than its ${budget} s budget: stopping what it started`);
    killStarted();
    run.finishedAt = new Date().toISOString();
    writeReports(outDir, run);
    process.exit(1);
  }, budget * 1000);
  watchdog.unref();
  return watchdog;
}

async function main(): Promise<void> {
  const options = parseOrExit();
  const scenarios = selectScenarios(options.scenarios);
  const needed =
    Math.max(
      options.idleCount,
      connectionsFor(options, [...(options.rates ?? [10_000]), ...(options.maxRate ? [options.maxRateCeiling] : [])]),
    ) + 1000;
  if (scenarios.some((s) => s.name.startsWith('idle')) && openFileLimit() < needed) {
    throw new Error(
      `--idle-count ${options.idleCount} needs about ${needed} open files, but the limit is ${openFileLimit()}: run \`ulimit -n ${needed}\` first`,
    );
  }
  const outDir = join(resolve(options.outDir), timestampName(new Date()));
  const run: RunResult = {
    startedAt: new Date().toISOString(),
    finishedAt: '',
    host: {
      cpus: cpus().length,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    build: { ...gitState(options.distDir), distDir: options.distDir },
    options: { ...options, outDir: undefined, help: undefined, scenarios: scenarios.map((s) => s.name) },
    scenarios: [],
  };
  for (const scenario of scenarios) await scenario.prepare?.(progress);
  const budget = budgetSeconds(options, scenarios);
  const watchdog = startWatchdog(budget, outDir, run);
  const profileDir = options.cpuProf ? join(outDir, 'profiles') : undefined;
  const probeDir = join(outDir, 'probes');
  mkdirSync(probeDir, { recursive: true });
  const context: ScenarioContext = {
    options,
    client: options.client === 'raw' ? rawClient : sdkClient,
    progress,
    profileDir,
    probeDir,
    earlier: run.scenarios,
  };
  progress(`running ${scenarios.map((s) => s.name).join(', ')} (budget ${budget} s); results in ${outDir}`);
  for (const scenario of scenarios) {
    progress(`${scenario.name}: starting`);
    const result = await scenario.run(context);
    run.scenarios.push(result);
    progress(`${scenario.name}: ${result.error ? `failed: ${result.error.split('\n')[0]}` : 'done'}`);
    run.finishedAt = new Date().toISOString();
    writeReports(outDir, run);
  }
  clearTimeout(watchdog);
  process.stdout.write(`${writeReports(outDir, run)}\n`);
  if (profileDir && existsSync(profileDir)) {
    writeFileSync(join(outDir, 'profiles.md'), `# CPU profiles of the server processes\n\n${profilesMarkdown(profileDir)}`);
    progress(`CPU profile summaries in ${join(outDir, 'profiles.md')}`);
  }
  progress(`wrote ${join(outDir, 'results.md')}, results.json and latency.svg`);
  reportOverdueStops(run);
}

/** Processes that had to be killed (or took longer than their drain deadline) fail the run, loudly, at the end. */
function reportOverdueStops(run: RunResult): void {
  const late = run.scenarios.flatMap((s) => (s.overdueStops ?? []).map((stop) => `${s.name}: ${overdueText(stop)}`));
  if (late.length === 0) return;
  process.stderr.write(
    `\nERROR: ${late.length} process(es) the bench started did not stop in time after SIGTERM:\n${late.map((l) => `  - ${l}\n`).join('')}`,
  );
  process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killStarted();
    process.exit(130);
  });
}

main().then(
  () => process.exit(),
  (error: Error) => {
    killStarted();
    process.stderr.write(`bench failed: ${error.message}\n`);
    process.exit(1);
  },
);
