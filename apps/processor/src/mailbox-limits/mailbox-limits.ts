import type { Clock } from '@linker/kernel';
import type { Mailbox, MailboxEntry } from '@linker/mailbox';
import type { Logger } from '@linker/observability';
import type { TopologyView } from '@linker/topology';
import type { Dispatcher } from '../dispatch/dispatcher';
import { AgeSweep } from './age-sweep';
import { CapTrimmer } from './cap-trimmer';
import { DropCounts, MailboxDrops, type DropReason } from './mailbox-drops';

export interface MailboxLimitsDeps {
  mailbox: Mailbox;
  dispatcher: Pick<Dispatcher, 'apply'>;
  domain: string;
  topology: () => TopologyView;
  sweepIntervalMs: number;
  clock: Clock;
  logger: Logger;
}

/**
 * The mailbox limits of a processor (docs/protocol.md, Mailbox limits): the cap trimmed after each batch's stores,
 * the age swept every `sweepIntervalMs`, every drop reported and counted (`MailboxDrops`).
 */
export class MailboxLimitsKeeper {
  private readonly counts = new DropCounts();
  private readonly trimmer: CapTrimmer;
  private readonly sweep: AgeSweep;

  constructor(deps: MailboxLimitsDeps) {
    const logger = deps.logger.child({ component: 'mailbox-limits' });
    const drops = new MailboxDrops({ mailbox: deps.mailbox, dispatcher: deps.dispatcher, domain: deps.domain, counts: this.counts });
    const common = { mailbox: deps.mailbox, drops, topology: deps.topology, clock: deps.clock, logger };
    this.trimmer = new CapTrimmer(common);
    this.sweep = new AgeSweep({ ...common, intervalMs: deps.sweepIntervalMs });
  }

  /** What a batch stored: its users are trimmed to their cap. */
  readonly stored = (entries: readonly MailboxEntry[]): void => this.trimmer.stored(entries);

  start(): void {
    this.sweep.start();
  }

  /** Stops the sweep and the trims (those under way finish). */
  async stop(): Promise<void> {
    await this.sweep.stop();
    await this.trimmer.stop();
  }

  /** Messages dropped since start, per app and reason. */
  dropped(): Record<string, Record<DropReason, number>> {
    return this.counts.snapshot();
  }

  /** Users waiting for a trim or being trimmed. */
  get pendingTrims(): number {
    return this.trimmer.size;
  }
}
