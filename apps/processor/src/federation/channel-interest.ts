import type { ChannelInterest as Announcement } from '@linker/contracts';

interface Held {
  channels: ReadonlySet<string> | '*';
  expiresAt: number;
}

/**
 * Which other domains have subscribers for which channels (docs/protocol.md, Channels), as their
 * connectors announced it (CHANNEL_INTEREST): per (domain, connector), the last set announced, until its ttl runs out.
 * Every processor of a domain holds one, fed by the announcements its domain hears. For `warmupMs` after it starts,
 * a processor presumes interested every domain it has heard nothing from yet (the way NATS gateways start optimistic):
 * it may not have heard the announcements made before it started.
 */
export class ChannelInterestTable {
  private readonly byDomain = new Map<string, Map<string, Held>>();

  constructor(
    private readonly domain: string,
    private readonly startedAt: number,
    private readonly warmupMs: number,
  ) {}

  /** An announcement heard at `now` (one of this domain's own is ignored: local subscribers are in presence). */
  record(announcement: Announcement, now: number): void {
    const { domain, connector, channels, ttlMs } = announcement;
    if (domain === this.domain) return;
    let connectors = this.byDomain.get(domain);
    if (!connectors) this.byDomain.set(domain, (connectors = new Map()));
    connectors.set(connector, { channels: channels === '*' ? '*' : new Set(channels), expiresAt: now + ttlMs });
  }

  /** Whether `domain` has, as far as is known at `now`, subscribers for `channel`. */
  interested(domain: string, channel: string, now: number): boolean {
    const connectors = this.byDomain.get(domain);
    if (connectors === undefined) return now - this.startedAt < this.warmupMs;
    for (const [connector, held] of connectors) {
      if (held.expiresAt <= now) {
        connectors.delete(connector);
        continue;
      }
      if (held.channels === '*' || held.channels.has(channel)) return true;
    }
    return false;
  }
}

/** What the channel handlers need of the federation. */
export interface ChannelFederation {
  readonly interest: ChannelInterestTable;
  /** This domain's neighbours in the current topology. */
  peers(): string[];
}
