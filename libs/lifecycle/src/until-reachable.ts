import { errorMessage, LinkerError } from '@linker/kernel';
import type { Logger } from '@linker/observability';

export interface StartupWait {
  logger: Logger;
  /** Give up after this long (ms), with the last error. */
  timeoutMs: number;
  /** First pause between tries (ms); it doubles up to `maxRetryMs`. Default 250. */
  retryMs?: number;
  /** Longest pause between tries (ms). Default 2,000. */
  maxRetryMs?: number;
  /** How often a wait still going on is logged again (ms). Default 10,000. */
  reportEveryMs?: number;
}

/** Why starting failed (the `code` of the `LinkerError` `untilReachable` rejects with). */
export type StartupErrorCode =
  /** A service or the meta-server did not answer within the start-up deadline; not retriable (the process exits). */
  'STARTUP_TIMEOUT';

/**
 * Open something an app needs before it can serve (a service's client, the topology), trying again while it fails
 * with a retriable `LinkerError` (what the adapters reject with when a service does not answer): an app started
 * before its services or the meta-server answer waits for them instead of failing. The first failure is logged (`waiting for <what>`, with the reason), then every `reportEveryMs`, and the
 * success after a wait. A non-retriable error rejects at once; after `timeoutMs` it rejects with
 * `STARTUP_TIMEOUT`, naming what it waited for and the last reason.
 */
export async function untilReachable<T>(what: string, open: () => Promise<T>, wait: StartupWait): Promise<T> {
  const started = Date.now();
  let pause = wait.retryMs ?? 250;
  let reported = 0;
  for (let tries = 1; ; tries++) {
    try {
      const opened = await open();
      if (tries > 1) wait.logger.info(`${what} reachable`, { waitedMs: Date.now() - started, tries });
      return opened;
    } catch (error) {
      if (!(error instanceof LinkerError && error.retriable)) throw error;
      const waited = Date.now() - started;
      if (waited + pause > wait.timeoutMs) {
        throw new LinkerError<StartupErrorCode>(
          'STARTUP_TIMEOUT',
          `${what} did not answer within ${wait.timeoutMs} ms: ${errorMessage(error)}`,
          { retriable: false, cause: error },
        );
      }
      if (reported === 0 || waited - reported >= (wait.reportEveryMs ?? 10_000)) {
        wait.logger.warn(`waiting for ${what}`, { reason: errorMessage(error), waitedMs: waited, giveUpAfterMs: wait.timeoutMs });
        reported = Math.max(1, waited);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, wait.maxRetryMs ?? 2_000);
    }
  }
}
