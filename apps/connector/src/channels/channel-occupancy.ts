import { INTERNAL_TYPES, MAX_OTHER_CONNECTORS, type ChannelPresence, type SocketAddress } from '@linker/contracts';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { channelKey, type Presence } from '@linker/presence';
import type { IntakePublisher } from '../ingress/intake-publisher';

export interface ChannelOccupancyOptions {
  presence: Presence;
  intake: IntakePublisher;
  connector: string;
  /** How many subscribers `channel` has on this connector now (`ChannelSubscribers.count`). */
  localSubscribers: (channel: string) => number;
  /** Whether `channel`'s app wants its first and last subscriber announced (it has a webhook); else this adds nothing. */
  announces: (channel: string) => boolean;
  /** Keeps a publication in the set `PresenceKeeper.settled` waits for. */
  track: (operation: Promise<void>) => void;
  logger: Logger;
}

/**
 * Tells the processors when a channel gets its first subscriber on this connector, or loses its last one
 * (docs/protocol.md, Presence events), so that they can send `channel.occupied` / `channel.vacated`:
 * - the first subscriber's entry: the channel's other connectors with subscribers are read from presence, then the
 *   entry is registered, then CHANNEL_OCCUPIED `{channel, connector, others}` is published (RELIABLE, keyed by the
 *   channel). Reading before registering is what lets a processor count one of two connectors subscribing at once as
 *   first: each sees the other only if the other registered before it read;
 * - every other entry of that channel registered or removed meanwhile waits for that registration (`settled`), so an
 *   unsubscribe is never overtaken by the registration it follows;
 * - once an entry is removed and the channel has no subscriber here any more, CHANNEL_VACATED is published.
 * Only for channels of apps with a webhook (the others pay nothing). A publication that fails is logged: the
 * processors then miss that change (they hear the next one).
 */
export class ChannelOccupancy {
  private readonly occupying = new Map<string, Promise<void>>();

  constructor(private readonly options: ChannelOccupancyOptions) {}

  /** Register `address` under `channel`, announcing the channel occupied here if it is its first subscriber here. */
  async add(channel: string, address: SocketAddress): Promise<void> {
    const key = channelKey(channel);
    const waiting = this.occupying.get(channel);
    if (waiting || this.options.localSubscribers(channel) > 1 || !this.options.announces(channel)) {
      await this.settled(channel);
      return this.options.presence.add(key, address);
    }
    const occupying = this.occupy(channel, address);
    this.occupying.set(channel, occupying);
    const forget = (): void => {
      if (this.occupying.get(channel) === occupying) this.occupying.delete(channel);
    };
    occupying.then(forget, forget);
    return occupying;
  }

  /** Resolves once a first registration of `channel` under way (if any) has settled. Never rejects. */
  async settled(channel: string): Promise<void> {
    await this.occupying.get(channel)?.catch(() => undefined);
  }

  /** An entry of `channel` was removed from presence: announce the channel vacated here if no subscriber is left. */
  removed(channel: string): void {
    if (this.options.localSubscribers(channel) === 0 && this.options.announces(channel))
      this.announce(INTERNAL_TYPES.CHANNEL_VACATED, { channel, connector: this.options.connector });
  }

  private async occupy(channel: string, address: SocketAddress): Promise<void> {
    const { presence, connector } = this.options;
    const key = channelKey(channel);
    const sockets = await presence.lookup(key);
    const others = [...new Set(sockets.map((socket) => socket.connector).filter((name) => name !== connector))];
    await presence.add(key, address);
    this.announce(INTERNAL_TYPES.CHANNEL_OCCUPIED, { channel, connector, others: others.slice(0, MAX_OTHER_CONNECTORS) });
  }

  private announce(type: string, data: ChannelPresence): void {
    const { intake, logger } = this.options;
    const publishing = intake.publish('RELIABLE', data.channel, intake.system(type, data)).catch((error: unknown) => {
      logger.warn('channel presence event could not be published', { type, channel: data.channel, error: errorMessage(error) });
    });
    this.options.track(publishing);
  }
}
