import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runBounded, type BoundedRun } from '@linker/testing';

const REPO_ROOT = resolve(__dirname, '../..');
const FIXTURE_CONFIG = resolve(__dirname, 'testing/watchdog-fixture/jest.config.js');
const LIMIT_S = 5;
/** Jest's start-up on a loaded machine, the limit, the watchdog's check; the child is killed at this deadline regardless. */
const DEADLINE_MS = 60_000;

/** A process that exists and is not a zombie (a killed orphan stays one until its new parent reaps it). */
const alive = (pid: number): boolean => {
  const state = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return state !== '' && !state.startsWith('Z');
};

describe('the test-file watchdog (scripts/jest/watchdog-reporter.js)', () => {
  const root = mkdtemp(join(tmpdir(), 'linker-watchdog-'));
  const sleepers: number[] = [];
  afterAll(async () => {
    for (const pid of sleepers.filter(alive)) process.kill(pid, 'SIGKILL');
    await rm(await root, { recursive: true, force: true });
  });

  /** Jest on the fixture files (one passes, one spins in microtasks forever) with a limit of LIMIT_S seconds. */
  async function runFixture(name: string, ...jestArgs: string[]): Promise<{ run: BoundedRun; sleeper: number }> {
    const directory = join(await root, name);
    const pidFile = join(directory, 'sleeper.pid');
    const args = [require.resolve('jest/bin/jest'), '--config', FIXTURE_CONFIG, '--cacheDirectory', join(directory, 'cache'), ...jestArgs];
    await mkdir(directory, { recursive: true });
    const env = { ...process.env, LINKER_TEST_FILE_LIMIT_S: String(LIMIT_S), WATCHDOG_FIXTURE_PID_FILE: pidFile };
    const run = await runBounded(process.execPath, args, { cwd: REPO_ROOT, env, deadlineMs: DEADLINE_MS });
    const sleeper = Number(await readFile(pidFile, 'utf8').catch(() => 'NaN'));
    if (Number.isInteger(sleeper)) sleepers.push(sleeper);
    return { run, sleeper };
  }

  function expectStopped({ run, sleeper }: { run: BoundedRun; sleeper: number }): void {
    const outcome = { timedOut: run.timedOut, exit: run.exit, sleeperAlive: alive(sleeper), tookUnderDeadline: run.ms < DEADLINE_MS };
    expect({ outcome, output: run.output }).toEqual({
      outcome: { timedOut: false, exit: 'SIGKILL', sleeperAlive: false, tookUnderDeadline: true },
      output: expect.stringMatching(
        new RegExp(
          `watchdog: spins-forever\\.fixture\\.js has run for [\\d.]+ s, over the limit of ${LIMIT_S} s per test file \\(LINKER_TEST_FILE_LIMIT_S\\)`,
        ),
      ),
    });
    expect(run.output).toMatch(/watchdog: stopped the run: killed the jest workers and what they started \(\d+ process(es)?\)/);
  }

  it(
    "names a file that spins in jest's own process (in band), kills what it started and fails the run",
    async () => {
      expectStopped(await runFixture('in-band', '--runInBand'));
    },
    DEADLINE_MS + 10_000,
  );

  it(
    'does the same when the file spins in a jest worker',
    async () => {
      expectStopped(await runFixture('workers', '--maxWorkers=2'));
    },
    DEADLINE_MS + 10_000,
  );
});
