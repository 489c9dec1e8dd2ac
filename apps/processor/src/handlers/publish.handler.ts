import { parseChannel, SYSTEM, type Envelope, type PublicationData } from '@linker/contracts';
import { channelKey, type Appended, type ChannelHistory, type HistoryEntryData, type PublicationOrigin } from '@linker/presence';
import type { RouteLookup } from '@linker/routing';
import type { TopologyView } from '@linker/topology';
import type { Effects } from '../dispatch/effects';
import type { ChannelFederation } from '../federation/channel-interest';
import { domainsByNextHop, forwardable, unforwardable } from '../federation/forward';
import type { Handler, HandlerContext } from './handler';
import { intakeData } from './intake-data';

/**
 * PUBLISH (docs/protocol.md, Channels): a publication to a channel, from a client where its rule allows it, from the
 * app's server API, or handed over by a neighbour domain. At most once, never stored, reported or confirmed.
 * - Here: on its own lane, to each connector of this domain with sockets subscribed to the channel (channel presence,
 *   `channelKey`): ONE `PUBLICATION` Delivery per connector, without targets, which that connector writes to every
 *   socket subscribed there; keyed by the channel, so one channel's publications keep their order.
 * - Elsewhere (ADR 0018, interest-based): the other domains with subscribers for the channel (`ChannelInterestTable`;
 *   for one that came over a link, the domains its sender assigned to this one) are grouped by next hop, and ONE
 *   envelope goes to each next hop, naming the domains it is for (`data.domains`): each link carries a publication at
 *   most once, whatever the number of subscribers behind it. A domain it has crossed is never one of them.
 * - History: a RELIABLE publication to a channel whose rule keeps a history is first appended to this domain's history
 *   of the channel (whether or not anyone here is subscribed now), and reaches subscribers with its `offset` there;
 *   the domains after it get its origin (the domain it entered by, and its number there), by which their histories
 *   see a gap (ADR 0018). A failed append is retried with the batch, then dead-lettered: nothing goes out unrecorded.
 */
export function publishHandler(domain: string, federation: ChannelFederation | undefined, history: ChannelHistory | undefined): Handler {
  return {
    users: (envelope) => (envelope.to === undefined ? [] : [channelKey(envelope.to)]),
    async handle(envelope: Envelope, { view, routes, presence, effects, now }: HandlerContext): Promise<void> {
      const { channel, data, domains, origin } = intakeData(envelope, 'PUBLISH');
      const from = envelope.from === SYSTEM ? undefined : envelope.from;
      const kept = await record(view, envelope, channel, from === undefined ? { data } : { data, from }, origin, now);
      if (federation !== undefined) {
        const wanted = domains ?? interestedDomains(view, federation, domain, channel, now);
        forwardByNextHop(envelope, { channel, data, ...(kept ? { origin: kept.origin } : {}) }, wanted, routes, effects);
      }
      const sockets = await presence.socketsOf(channelKey(channel));
      if (sockets.length === 0) return;
      const publication: PublicationData = { channel, data };
      if (from !== undefined) publication.from = from;
      if (kept !== undefined) publication.offset = kept.offset;
      const delivered: Envelope = { ...envelope, type: 'PUBLICATION', to: channel, data: publication, origin: undefined, confirm: false };
      for (const connector of new Set(sockets.map((socket) => socket.connector))) {
        effects.deliver(envelope.lane, connector, channel, delivered, []);
      }
    },
  };

  /** Append a RELIABLE publication to its channel's history here, if its rule keeps one. */
  async function record(
    view: TopologyView,
    envelope: Envelope,
    channel: string,
    entry: HistoryEntryData,
    origin: PublicationOrigin | undefined,
    now: number,
  ): Promise<Appended | undefined> {
    const parts = parseChannel(channel);
    if (history === undefined || envelope.lane !== 'RELIABLE' || parts === undefined) return undefined;
    const limits = view.channelRule(parts.appName, parts.name)?.history;
    if (limits === undefined) return undefined;
    return history.append({ ...limits, channel, id: envelope.id, origin, domain, entry, now });
  }
}

/** The other domains of the topology that have (or may have, see `ChannelInterestTable`) subscribers for `channel`. */
function interestedDomains(view: TopologyView, federation: ChannelFederation, domain: string, channel: string, now: number): string[] {
  const wanted: string[] = [];
  for (const { name } of view.topology.domains) {
    if (name !== domain && federation.interest.interested(name, channel, now)) wanted.push(name);
  }
  return wanted;
}

/** One envelope per next hop toward the `wanted` domains not crossed yet, naming those it is for. */
function forwardByNextHop(
  envelope: Envelope,
  publication: { channel: string; data: unknown; origin?: PublicationOrigin },
  wanted: readonly string[],
  routes: RouteLookup,
  effects: Effects,
): void {
  // A domain with no way there (or this one) is left out: a publication is at most once.
  const { byHop } = domainsByNextHop(
    wanted.filter((destination) => !envelope.path.includes(destination)),
    routes,
    envelope.path,
  );
  for (const [via, domains] of byHop) {
    const part = forwardable({ ...envelope, data: { ...publication, domains } });
    if (unforwardable(part, via) === undefined) effects.forward(via, part);
  }
}
