import { errorMessage, type Clock } from '@linker/kernel';
import type { Mailbox } from '@linker/mailbox';
import type { Logger } from '@linker/observability';
import { mailboxLimitsOf, type TopologyView } from '@linker/topology';
import type { MailboxDrops } from './mailbox-drops';

/** Messages one read of the sweep names, and most batches one app gets per sweep (the rest waits for the next). */
const SWEEP_BATCH = 500;
const MAX_BATCHES_PER_APP = 20;

export interface AgeSweepDeps {
  mailbox: Mailbox;
  drops: MailboxDrops;
  topology: () => TopologyView;
  intervalMs: number;
  clock: Clock;
  logger: Logger;
}

/**
 * Drops stored messages older than their app's `mailbox.maxAgeSeconds` (by the time they were sent, `createdAt`):
 * every `intervalMs`, per app, the oldest first, at most 10,000 per app and sweep, each reported, then removed, by
 * `MailboxDrops`. Every processor sweeps; several at once are harmless: they may name the same messages, whose events
 * then have the same ids, and a removal of what is gone already removes (and counts) nothing. The first sweep comes at
 * a random point of the first interval, so processors started together do not sweep together.
 */
export class AgeSweep {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: AgeSweepDeps) {}

  start(): void {
    const schedule = (ms: number): void => {
      this.timer = setTimeout(() => {
        this.sweeping = this.sweep().finally(() => {
          this.sweeping = undefined;
          if (!this.stopped) schedule(this.deps.intervalMs);
        });
      }, ms);
      this.timer.unref();
    };
    schedule(Math.floor(Math.random() * this.deps.intervalMs));
  }

  /** Stop sweeping; resolves once a sweep under way has finished its batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  /** One sweep over every app of the topology; a failure is logged and the next sweep tries again. */
  async sweep(): Promise<void> {
    const view = this.deps.topology();
    for (const app of view.topology.clientApps) {
      if (this.stopped) return;
      try {
        await this.sweepApp(app.appName, view);
      } catch (error) {
        this.deps.logger.warn('mailbox age sweep failed; the next sweep tries again', { app: app.appName, error: errorMessage(error) });
      }
    }
  }

  private async sweepApp(appName: string, view: TopologyView): Promise<void> {
    const { maxAgeSeconds } = mailboxLimitsOf(view.app(appName));
    for (let batch = 0; batch < MAX_BATCHES_PER_APP && !this.stopped; batch++) {
      const now = this.deps.clock.now();
      const old = await this.deps.mailbox.olderThan(now - maxAgeSeconds * 1000, `${appName}-`, SWEEP_BATCH);
      await this.deps.drops.drop(old, 'age', view, now);
      if (old.length < SWEEP_BATCH) return;
    }
  }
}
