import type { Envelope, SocketAddress } from '@linker/contracts';
import { IdWindow } from '@linker/kernel';

/** Publications remembered, to write each once though a lane may bring it twice (a FAST partition changing owner). */
const SEEN_CAPACITY = 100_000;
const SEEN_MAX_AGE_MS = 60_000;

/** How one kind of subscriber writes a publication (a client socket's PUBLICATION frame, a Push SSE event, ...). */
export type PublicationFrame = (publication: Envelope) => Buffer;

/**
 * A connection subscribed to channels here: a client socket (`Session`) or a Push-compatible subscriber. Each is one
 * entry in presence under `channelKey(channel)` per channel it holds, at its `address`.
 */
export interface ChannelSubscriber {
  readonly address: SocketAddress;
  /** The channels it is subscribed to (registered in presence, or being registered). */
  readonly channels: ReadonlySet<string>;
  /** Its kind's encoding: the same function for every subscriber of a kind (a publication is encoded once per kind). */
  readonly publicationFrame: PublicationFrame;
  /** Write one frame; false when it was not taken (closing, or closed as too slow by this write). */
  send(frame: Buffer): boolean;
}

/** A publication kept for a socket while its subscription recovers (`hold`). */
export interface HeldPublication {
  offset?: number;
  frame: Buffer;
}

/**
 * This connector's subscribers, by channel: what a publication routed here is written to. A subscriber is listed
 * from the moment its subscription is accepted until it unsubscribes or ends. A publication is written at most once
 * (by its id, remembered for a minute; one check per publication, not per subscriber), encoded once per kind of
 * subscriber that holds the channel.
 */
export class ChannelSubscribers {
  private readonly byChannel = new Map<string, Set<ChannelSubscriber>>();
  /** Subscribers whose subscription to a channel is recovering its history: their publications wait (in order). */
  private readonly holding = new Map<ChannelSubscriber, Map<string, HeldPublication[]>>();
  private readonly seen = new IdWindow({ capacity: SEEN_CAPACITY, maxAgeMs: SEEN_MAX_AGE_MS });

  /** `changed`: called when a channel gets its first subscriber here, or loses its last. */
  constructor(private readonly changed: () => void = () => undefined) {}

  add(channel: string, subscriber: ChannelSubscriber): void {
    let subscribers = this.byChannel.get(channel);
    if (!subscribers) {
      this.byChannel.set(channel, (subscribers = new Set()));
      this.changed();
    }
    subscribers.add(subscriber);
  }

  remove(channel: string, subscriber: ChannelSubscriber): void {
    this.release(subscriber, channel);
    const subscribers = this.byChannel.get(channel);
    if (!subscribers?.delete(subscriber)) return;
    if (subscribers.size > 0) return;
    this.byChannel.delete(channel);
    this.changed();
  }

  /**
   * Write `publication` (a PUBLICATION envelope to `channel`) to every subscriber of `channel` (kept for those whose
   * subscription is recovering); returns how many took it. `offset`: its place in the channel's history here.
   */
  write(channel: string, publication: Envelope, offset?: number): number {
    const subscribers = this.byChannel.get(channel);
    if (!subscribers || !this.seen.addNew(publication.id)) return 0;
    // A handful of kinds at most: a short list beats a map.
    const encoded: Array<[PublicationFrame, Buffer]> = [];
    let written = 0;
    // A subscriber whose send queue is full is closed by its write and leaves the set: a Set's iteration allows that.
    for (const subscriber of subscribers) {
      const encode = subscriber.publicationFrame;
      let bytes = encoded.find(([kind]) => kind === encode)?.[1];
      if (bytes === undefined) encoded.push([encode, (bytes = encode(publication))]);
      const held = this.holding.size > 0 ? this.holding.get(subscriber)?.get(channel) : undefined;
      if (held !== undefined) held.push({ offset, frame: bytes });
      else if (subscriber.send(bytes)) written += 1;
    }
    return written;
  }

  /** Keep `subscriber`'s publications of `channel` until `release`. */
  hold(subscriber: ChannelSubscriber, channel: string): void {
    let channels = this.holding.get(subscriber);
    if (!channels) this.holding.set(subscriber, (channels = new Map()));
    channels.set(channel, []);
  }

  /** Stop keeping them; what was kept, in order. */
  release(subscriber: ChannelSubscriber, channel: string): HeldPublication[] {
    const channels = this.holding.get(subscriber);
    const held = channels?.get(channel) ?? [];
    channels?.delete(channel);
    if (channels?.size === 0) this.holding.delete(subscriber);
    return held;
  }

  /** How many subscribers `channel` has here. */
  count(channel: string): number {
    return this.byChannel.get(channel)?.size ?? 0;
  }

  /** The channels with subscribers here. */
  channels(): string[] {
    return [...this.byChannel.keys()];
  }
}
