import type { Redis } from 'ioredis';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';

/**
 * Notices that the Redis behind a client restarted: at every (re)connection it reads the server's `run_id`, which a
 * restart changes. A Redis without persistence comes back empty, and live sockets are missing from it until their
 * connectors register them again (at their next lease renewal): for `settleMs` after a restart is noticed,
 * `unsettled` is true, and a lookup that finds a user offline may be wrong. It is true as well from the moment the
 * connection is lost until the run id has been read again: a lookup answered by a restarted Redis before that read
 * (commands queued while it was away go first) must not be taken for sure either.
 */
export class StoreRestarts {
  private runId: string | undefined;
  private unsettledUntil = 0;
  /** The connection was lost and the run id of the server it reached since is not known yet. */
  private unknown = false;

  constructor(
    private readonly client: Redis,
    private readonly settleMs: number,
    private readonly logger: Logger,
  ) {
    client.on('close', () => (this.unknown = this.runId !== undefined));
    client.on('ready', () => void this.check());
    if (client.status === 'ready') void this.check();
  }

  unsettled(now: number): boolean {
    return this.unknown || now < this.unsettledUntil;
  }

  private async check(): Promise<void> {
    let info: string;
    try {
      info = await this.client.info('server');
    } catch (error) {
      this.logger.debug('could not read the run id of Redis', { error: errorMessage(error) });
      return;
    }
    const runId = /^run_id:(\S+)/m.exec(info)?.[1];
    if (runId === undefined) return;
    this.unknown = false;
    if (this.runId !== undefined && runId !== this.runId) {
      this.unsettledUntil = Date.now() + this.settleMs;
      this.logger.warn('Redis restarted: deliveries to users who look offline wait until their connectors registered them again', {
        settleMs: this.settleMs,
      });
    }
    this.runId = runId;
  }
}
