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

/**
 * This connector's subscribers, by channel: what a publication routed here is written to. A subscriber is listed
 * from the moment its subscription is accepted until it unsubscribes or ends. A publication is written at most once
 * (by its id, remembered for a minute; one check per publication, not per subscriber), encoded once per kind of
 * subscriber that holds the channel.
 */
export class ChannelSubscribers {
  private readonly byChannel = new Map<string, Set<ChannelSubscriber>>();
  private readonly seen = new IdWindow({ capacity: SEEN_CAPACITY, maxAgeMs: SEEN_MAX_AGE_MS });

  add(channel: string, subscriber: ChannelSubscriber): void {
    let subscribers = this.byChannel.get(channel);
    if (!subscribers) this.byChannel.set(channel, (subscribers = new Set()));
    subscribers.add(subscriber);
  }

  remove(channel: string, subscriber: ChannelSubscriber): void {
    const subscribers = this.byChannel.get(channel);
    if (!subscribers?.delete(subscriber)) return;
    if (subscribers.size === 0) this.byChannel.delete(channel);
  }

  /** Write `publication` (a PUBLICATION envelope to `channel`) to every subscriber of `channel`; returns how many took it. */
  write(channel: string, publication: Envelope): number {
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
      if (subscriber.send(bytes)) written += 1;
    }
    return written;
  }

  /** Subscribers of `channel` here. */
  count(channel: string): number {
    return this.byChannel.get(channel)?.size ?? 0;
  }
}
