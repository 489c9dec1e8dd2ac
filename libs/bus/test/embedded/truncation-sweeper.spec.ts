import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runBounded } from '@linker/testing';

const REPO_ROOT = resolve(__dirname, '../../../..');
const SCRIPT = resolve(__dirname, 'testing/sweep-after-burst.ts');
const DEADLINE_MS = 30_000;

describe('TruncationSweeper at the end of a burst', () => {
  const root = mkdtemp(join(tmpdir(), 'linker-sweeper-'));
  afterAll(async () => rm(await root, { recursive: true, force: true }));

  // In a child process: a sweeper whose idle() spins in microtasks would starve every timer of this process,
  // jest's timeout included; the child's deadline is this process's timer, which it cannot starve.
  it(
    'still sweeps a later truncation, and idle() resolves, after a timer fired with nothing left to sweep',
    async () => {
      const run = await runBounded(process.execPath, ['--import', 'tsx', SCRIPT, join(await root, 'store')], {
        cwd: REPO_ROOT,
        deadlineMs: DEADLINE_MS,
      });
      expect({ timedOut: run.timedOut, exit: run.exit, output: run.output.trim().split('\n') }).toEqual({
        timedOut: false,
        exit: 0,
        output: [
          'the running sweep took the truncation made during it: 20 of 30 records left (20 expected)',
          'the timer armed during that sweep has fired, with nothing left to sweep',
          'a later truncation was swept: 15 records left',
          expect.stringMatching(/^idle\(\) resolved in \d+ ms$/),
        ],
      });
    },
    DEADLINE_MS + 10_000,
  );
});
