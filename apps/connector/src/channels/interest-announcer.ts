import { INTERNAL_TYPES, type ChannelInterest } from '@linker/contracts';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { IntakePublisher } from '../ingress/intake-publisher';

export interface InterestAnnouncerOptions {
  intake: IntakePublisher;
  domain: string;
  connector: string;
  /** The channels with subscribers on this connector now. */
  channels: () => string[];
  /** How often the set is announced again while it is not empty; it is valid for three times this long. */
  intervalMs: number;
  /** Most channel names one announcement lists; more are announced as `'*'` (interest in every channel). */
  maxListed: number;
  logger: Logger;
}

/**
 * Tells the other domains which channels this connector has subscribers for (docs/protocol.md, Channels):
 * a CHANNEL_INTEREST with the whole set, on the FAST intake, at once when a channel gets its first subscriber here or
 * loses its last (changes within one turn of the event loop go together), and again every `intervalMs` while the set
 * is not empty, so that a domain that missed one (a link down, a processor restarted) is right again within that
 * time. An empty set is announced once, then nothing while it stays empty: an idle connector sends nothing.
 */
export class InterestAnnouncer {
  private timer: NodeJS.Timeout | undefined;
  private pending = false;
  private lastWasEmpty = true;
  private stopped = false;

  constructor(private readonly options: InterestAnnouncerOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.lastWasEmpty) this.announce();
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** The set changed: announce it once this turn's changes are made. */
  changed(): void {
    if (this.pending || this.stopped) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      if (!this.stopped) this.announce();
    });
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private announce(): void {
    const { intake, domain, connector, intervalMs, maxListed, logger } = this.options;
    const listed = this.options.channels();
    this.lastWasEmpty = listed.length === 0;
    const channels = listed.length > maxListed ? '*' : listed;
    const data: ChannelInterest = { domain, connector, channels, ttlMs: 3 * intervalMs };
    const envelope = { ...intake.system(INTERNAL_TYPES.CHANNEL_INTEREST, data), lane: 'FAST' as const };
    intake.publish('FAST', connector, envelope).catch((error: unknown) => {
      logger.warn('channel interest could not be announced; announced again at the next change or interval', {
        error: errorMessage(error),
      });
    });
  }
}
