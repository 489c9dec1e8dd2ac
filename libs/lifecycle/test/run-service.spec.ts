import { resolve } from 'node:path';
import { runBounded } from '@linker/testing';
import { DRAIN_BACKSTOP_MARGIN_MS } from '../src/run-service';

const REPO_ROOT = resolve(__dirname, '../../..');
const SERVICE = resolve(__dirname, 'testing/stopping-service.ts');
const DRAIN_MS = 1_000;
/** Start-up (tsx), the backstop thread's start and a loaded machine; the child is killed at this deadline whatever happens. */
const DEADLINE_MS = 30_000;

/** Run the service until it exits after its SIGTERM; how long that took from the signal. */
async function stop(mode: 'clean' | 'stuck' | 'spin'): Promise<{ exit: number | NodeJS.Signals; afterSignalMs: number; output: string }> {
  const run = await runBounded(process.execPath, ['--import', 'tsx', SERVICE, mode, String(DRAIN_MS)], {
    cwd: REPO_ROOT,
    deadlineMs: DEADLINE_MS,
  });
  const ended = Date.now();
  if (run.timedOut) throw new Error(`the service was still running after ${DEADLINE_MS} ms; output:\n${run.output}`);
  const signalled = /SIGTERM at (\d+)/.exec(run.output);
  if (!signalled) throw new Error(`the service never sent its SIGTERM (exit ${run.exit}); output:\n${run.output}`);
  return { exit: run.exit, afterSignalMs: ended - Number(signalled[1]), output: run.output };
}

describe('runService on SIGTERM', () => {
  it(
    'exits 0 once the drain is done',
    async () => {
      const { exit, output } = await stop('clean');
      expect(output).toContain('test-service: stopped');
      expect(exit).toBe(0);
    },
    DEADLINE_MS + 5_000,
  );

  it(
    'exits 1 at the drain deadline when the drain does not finish',
    async () => {
      const { exit, afterSignalMs, output } = await stop('stuck');
      expect(output).toContain(`test-service: drain took longer than ${DRAIN_MS} ms, exiting`);
      expect(exit).toBe(1);
      expect(afterSignalMs).toBeGreaterThanOrEqual(DRAIN_MS);
    },
    DEADLINE_MS + 5_000,
  );

  it(
    'is killed (SIGKILL) just after the drain deadline when the drain starves the event loop, which no timer of its own survives',
    async () => {
      const { exit, afterSignalMs, output } = await stop('spin');
      expect(output).toContain(`test-service: drain still running ${DRAIN_BACKSTOP_MARGIN_MS} ms after its deadline of ${DRAIN_MS} ms`);
      expect(output).not.toContain('drain took longer than');
      expect(exit).toBe('SIGKILL');
      expect(afterSignalMs).toBeGreaterThanOrEqual(DRAIN_MS + DRAIN_BACKSTOP_MARGIN_MS);
      expect(afterSignalMs).toBeLessThan(DRAIN_MS + DRAIN_BACKSTOP_MARGIN_MS + 5_000);
    },
    DEADLINE_MS + 5_000,
  );
});
