import type { Bus, BusRecord, Subscription } from '@linker/bus';
import { decodeEnvelope, encodeEnvelope, linkQueueTopic, type Envelope } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import type { Mailbox } from '@linker/mailbox';
import type { Logger } from '@linker/observability';
import { forwardTrail, splitGroup, type RouteLookup } from '@linker/routing';
import type { TopologyView } from '@linker/topology';
import type { Neighbours } from './neighbours';
import { domainsByNextHop, groupPart, recipientsOfForward, unforwardable } from './forward';
import type { LinkErrorCode } from '@linker/domain-link';

export interface ForwardersOptions {
  domain: string;
  /** The RELIABLE lane: link queues live there. */
  bus: Bus;
  neighbours: Neighbours;
  mailbox: Mailbox;
  topology: () => TopologyView;
  /** How long a link must be down before what waits for it takes another path (ADR 0009). */
  failoverMs: number;
  logger: Logger;
}

/** The consumer group that sends one link queue: one member at a time holds its single partition. */
const forwarderGroup = (domain: string, peer: string): string => `${linkQueueTopic(domain, peer)}.forwarder`;

/**
 * Sends the custody queues (`linkQueueTopic(domain, peer)`, one per neighbour) over this processor's links (ADR 0009).
 * A batch is committed only once the neighbour acknowledged having stored it; while the link is down the batch stays
 * (the lane hands it again with backoff); once it has been down for `failoverMs`, the batch moves to the queues of the
 * next hops the routes over the links that are up give now — all of it, or none of it while some envelope has no
 * other path (it waits for a link, in custody). An envelope a link can never carry (too large, over the hop limit) is
 * dead-lettered with the reason; the rest of its batch goes on.
 */
export class Forwarders {
  private readonly subscriptions = new Map<string, Subscription>();
  /** Neighbours whose queue is waiting, with the envelopes of the batch in hand (logged when it starts and stops). */
  private readonly waiting = new Map<string, number>();
  private readonly log: Logger;

  constructor(private readonly options: ForwardersOptions) {
    this.log = options.logger.child({ component: 'forwarders' });
  }

  /** Subscribe to the queue of each neighbour named now (idempotent); queues of neighbours added later: call again. */
  async sync(): Promise<void> {
    const { bus, domain, neighbours } = this.options;
    for (const peer of neighbours.peers()) {
      if (this.subscriptions.has(peer)) continue;
      const topic = linkQueueTopic(domain, peer);
      await bus.ensureTopics([topic], 1);
      this.subscriptions.set(
        peer,
        await bus.subscribe({ topic, group: forwarderGroup(domain, peer), handler: (records) => this.forward(peer, records) }),
      );
    }
  }

  /** Envelopes of `peer`'s queue waiting in custody in this processor now (the batch in hand). */
  waitingFor(peer: string): number {
    return this.waiting.get(peer) ?? 0;
  }

  async stop(): Promise<void> {
    const subscriptions = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.all(subscriptions.map((s) => s.close()));
  }

  private async forward(peer: string, records: readonly BusRecord[]): Promise<void> {
    const envelopes = await this.withoutUnforwardable(
      peer,
      records.map((record) => decodeEnvelope(record.value)),
    );
    if (envelopes.length === 0) return;
    const link = this.options.neighbours.link(peer);
    if (link?.up) {
      await link.send(envelopes.map((envelope) => forwardTrail(envelope, peer)));
      if (this.waiting.delete(peer)) this.log.info('link queue moving again', { peer });
      return;
    }
    // A neighbour the topology no longer names counts as down for good: its queue takes the other paths at once.
    const downSince = link ? (this.options.neighbours.downSinceOf(peer) ?? Date.now()) : 0;
    if (Date.now() - downSince >= this.options.failoverMs && (await this.failOver(peer, envelopes))) {
      this.waiting.delete(peer);
      return;
    }
    if (!this.waiting.has(peer))
      this.log.warn('link down and no other way: envelopes wait in custody', { peer, envelopes: envelopes.length });
    this.waiting.set(peer, envelopes.length);
    throw new LinkerError<LinkErrorCode>('LINK_DOWN', `the link to ${peer} is down; ${envelopes.length} envelope(s) wait in custody`, {
      retriable: true,
    });
  }

  /** Dead-letter (with the reason) what no link can ever carry; the rest, in order. */
  private async withoutUnforwardable(peer: string, envelopes: Envelope[]): Promise<Envelope[]> {
    const kept: Envelope[] = [];
    const at = Date.now();
    for (const envelope of envelopes) {
      const reason = unforwardable(envelope, peer)?.reason;
      if (reason === undefined) kept.push(envelope);
      else {
        await this.options.mailbox.deadLetter({ envelope, reason, at });
        this.log.error('envelope no link can carry dead-lettered', { messageId: envelope.id, peer, reason });
      }
    }
    return kept;
  }

  /**
   * Move every envelope to the queue of its next hop now (a group split again by next hop); false (nothing moved) if
   * one recipient has no other way up.
   */
  private async failOver(peer: string, envelopes: readonly Envelope[]): Promise<boolean> {
    const { neighbours, topology, bus, domain } = this.options;
    const view = topology();
    const moves = new Map<string, BusRecord[]>();
    const routes = neighbours.routes(view);
    for (const envelope of envelopes) {
      const parts = envelope.type === 'PUBLISH' ? publicationParts(envelope, routes) : groupParts(envelope, view, routes);
      if (parts === undefined) return false;
      for (const [via, part] of parts) {
        if (via === peer || !neighbours.link(via)?.up) return false;
        let queue = moves.get(via);
        if (!queue) moves.set(via, (queue = []));
        queue.push({ key: part.from, value: encodeEnvelope(part) });
      }
    }
    for (const [via, records] of moves) {
      const topic = linkQueueTopic(domain, via);
      await bus.ensureTopics([topic], 1);
      await bus.publish(topic, records);
    }
    this.log.warn('link down: its queue took other paths', { peer, envelopes: envelopes.length, via: [...moves.keys()] });
    return true;
  }
}

/** A message or group message by the next hop of its recipients (a group split by next hop); undefined: one has no way. */
function groupParts(envelope: Envelope, view: TopologyView, routes: RouteLookup): Map<string, Envelope> | undefined {
  const { local, forwards, unreachable } = splitGroup(view, routes, recipientsOfForward(envelope), envelope.path);
  if (local.length > 0 || unreachable.length > 0) return undefined;
  const parts = new Map<string, Envelope>();
  for (const [via, users] of forwards) parts.set(via, envelope.type === 'GROUP_MESSAGE' ? groupPart(envelope, users) : envelope);
  return parts;
}

/** A publication by the next hop of the domains it is for (`data.domains`); undefined: one of them has no way. */
function publicationParts(envelope: Envelope, routes: RouteLookup): Map<string, Envelope> | undefined {
  const data = envelope.data as { domains?: string[] };
  const { byHop, stranded } = domainsByNextHop(data.domains ?? [], routes, envelope.path);
  if (stranded.length > 0) return undefined;
  return new Map([...byHop].map(([via, domains]) => [via, { ...envelope, data: { ...data, domains } }]));
}
