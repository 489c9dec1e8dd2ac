import type { Envelope } from '@linker/contracts';
import type { ChannelFederation } from '../federation/channel-interest';
import { forwardable } from '../federation/forward';
import type { Handler, HandlerContext } from './handler';
import { intakeData } from './intake-data';

/**
 * CHANNEL_INTEREST (docs/protocol.md, Channels): a connector's announcement of the channels it has
 * subscribers for, from this domain or relayed by a neighbour. Every processor of this domain records it
 * (`Effects.announce`), and it goes on, FAST, to each neighbour it has not crossed yet: every domain hears every
 * connector's interest. Without links it has nowhere to go and nobody to tell.
 */
export function channelInterestHandler(federation: ChannelFederation | undefined): Handler {
  return {
    async handle(envelope: Envelope, { effects }: HandlerContext): Promise<void> {
      intakeData(envelope, 'CHANNEL_INTEREST');
      if (federation === undefined) return;
      effects.announce(envelope);
      const relayed = forwardable({ ...envelope, lane: 'FAST' });
      for (const peer of federation.peers()) if (!envelope.path.includes(peer)) effects.forward(peer, relayed);
    },
  };
}
