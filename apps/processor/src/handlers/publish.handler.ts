import { SYSTEM, type Envelope, type PublicationData } from '@linker/contracts';
import { channelKey } from '@linker/presence';
import type { Handler, HandlerContext } from './handler';
import { intakeData } from './intake-data';

/**
 * PUBLISH (docs/protocol.md, Channels): a publication to a channel, from a client where its rule allows it or from
 * the app's server API. It goes, on its own lane, to each connector of this domain with sockets subscribed to the
 * channel (channel presence, `channelKey`): ONE `PUBLICATION` Delivery per connector, without targets, which that
 * connector writes to every socket subscribed there. Keyed by the channel, so one channel's publications keep their
 * order. At most once: nothing is stored, reported or confirmed; a channel without subscribers here drops it.
 */
export function publishHandler(): Handler {
  return {
    users: (envelope) => (envelope.to === undefined ? [] : [channelKey(envelope.to)]),
    async handle(envelope: Envelope, { presence, effects }: HandlerContext): Promise<void> {
      const { channel, data } = intakeData(envelope, 'PUBLISH');
      const sockets = await presence.socketsOf(channelKey(channel));
      if (sockets.length === 0) return;
      const publication: PublicationData = envelope.from === SYSTEM ? { channel, data } : { channel, data, from: envelope.from };
      const delivered: Envelope = { ...envelope, type: 'PUBLICATION', to: channel, data: publication, origin: undefined, confirm: false };
      for (const connector of new Set(sockets.map((socket) => socket.connector))) {
        effects.deliver(envelope.lane, connector, channel, delivered, []);
      }
    },
  };
}
