import type { AnalyticsRecorder } from '@linker/analytics';
import type { BusRecord, Lanes } from '@linker/bus';
import { getOrAdd } from '@linker/kernel';
import {
  connectorTopic,
  encodeDelivery,
  encodeEnvelope,
  interestTopic,
  linkQueueTopic,
  webhookTopic,
  type Envelope,
  type Lane,
} from '@linker/contracts';
import type { DeadLetter, Mailbox, MailboxEntry } from '@linker/mailbox';
import type { RemovalQueue } from '../stored-messages/removal-queue';
import type { WebhookProducer } from '../webhooks/webhook-producer';
import { countEffects } from './analytics-counts';
import type { Effects, Outgoing, StoredEntry } from './effects';

/** Hands FAST envelopes to a neighbour over this processor's link, if it is up; dropped otherwise (at most once). */
export type FastForwarder = (nextHop: string, envelopes: Envelope[]) => void;

/**
 * Writes effects: publishes deliveries to connector topics and forwards to the custody queues of neighbours (ADR
 * 0009), stores and removes mailbox messages, parks dead letters, and queues the apps' webhook events (a RELIABLE
 * record each on the webhook topic, written with the rest: nothing waits for a receiver).
 *
 * Guarantees: `apply` resolves only when everything it was given is durable (RELIABLE records acknowledged by the
 * broker, mailbox stores durable; FAST records handed to the client), except removals: those go to the
 * `RemovalQueue`, which merges them per user and removes them after `apply` (see there); `apply` waits only when too
 * many are pending. It rejects if anything failed, and every effect is idempotent, so applying the same effects again
 * is the retry. Records with one key on one topic are published in the order they appear across `effects`, in one
 * `publish` call per (lane, topic). A message both stored and removed in one `apply` (parked, then acknowledged) is
 * only removed: removal means delivered, and storing it too could outlive the removal.
 */
export class Dispatcher {
  /** Connector topics and link queues already ensured by this process (RELIABLE; a topic is never auto-created), per lane. */
  private readonly ensured: Record<Lane, Map<string, Promise<void>>> = { RELIABLE: new Map(), FAST: new Map() };
  /** Connector name → its topic name, made once per connector rather than once per published batch. */
  private readonly topics = new Map<string, string>();
  /** Mailbox stores under way, by user: settled (stored or failed) when the promise resolves. */
  private readonly storing = new Map<string, Promise<void>>();

  constructor(
    private readonly lanes: Lanes,
    private readonly mailbox: Mailbox,
    private readonly removals: RemovalQueue,
    private readonly domain: string,
    private readonly partitions: number,
    private readonly fastForward: FastForwarder = () => undefined,
    private readonly webhooks?: WebhookProducer,
    /** Counts what each `apply` made durable (stored, fetched, dead-lettered); absent: nothing is counted. */
    private readonly analytics?: AnalyticsRecorder,
  ) {}

  /** Write `effects`; resolves with the mailbox stores it made. */
  async apply(effects: readonly Effects[]): Promise<readonly StoredEntry[]> {
    const removed = mergeRemovals(effects);
    // Loops rather than flatMap (a slow generic path in V8): apply runs once per batch, on FAST about once per message.
    const stored: StoredEntry[] = [];
    const deadLetters: DeadLetter[] = [];
    const announced: BusRecord[] = [];
    for (const effect of effects) {
      for (const entry of effect.stored) if (!removed.get(entry.userId)?.has(entry.envelope.id)) stored.push(entry);
      for (const letter of effect.deadLetters) deadLetters.push(letter);
      for (const envelope of effect.announced) announced.push({ key: envelope.from, value: encodeEnvelope(envelope) });
    }
    const webhooks = this.webhooks?.records(effects, stored, deadLetters) ?? [];
    await Promise.all([
      ...groupByTopic(effects).map((group) => this.publish(group)),
      webhooks.length > 0 ? this.queueWebhooks(webhooks) : undefined,
      ...this.forward(effects),
      stored.length > 0 ? this.store(stored) : undefined,
      ...[...removed].map(([userId, ids]) => this.removals.add(userId, ids)),
      ...deadLetters.map((letter) => this.mailbox.deadLetter(letter)),
      announced.length > 0 ? this.announce(announced) : undefined,
    ]);
    if (this.analytics !== undefined) countEffects(this.analytics, effects, stored);
    return stored;
  }

  /**
   * Resolves once every mailbox store for `userId` that began before this call has settled (stored, or failed and to
   * be retried): a fetch waits for it, so it never reads the mailbox while a message for the user is being stored.
   */
  storesSettled(userId: string): Promise<void> {
    return this.storing.get(userId) ?? Promise.resolve();
  }

  private store(entries: readonly MailboxEntry[]): Promise<void> {
    const storing = this.mailbox.store(entries);
    const settled = storing.then(
      () => undefined,
      () => undefined,
    );
    for (const { userId } of entries) {
      const previous = this.storing.get(userId);
      if (previous === settled) continue;
      const chained = previous === undefined ? settled : Promise.all([previous, settled]).then(() => undefined);
      this.storing.set(userId, chained);
      void chained.then(() => this.storing.get(userId) === chained && this.storing.delete(userId));
    }
    return storing;
  }

  private async publish(group: Outgoing[]): Promise<void> {
    const { lane, connector } = group[0];
    let topic = this.topics.get(connector);
    if (topic === undefined) this.topics.set(connector, (topic = connectorTopic(this.domain, connector)));
    await this.ensure(lane, topic);
    const records: BusRecord[] = group.map((o) => ({ key: o.key, value: encodeDelivery(o.delivery) }));
    await this.lanes[lane].publish(topic, records);
  }

  /** RELIABLE forwards into each next hop's custody queue (one publish per queue, in order); FAST ones over the link. */
  private forward(effects: readonly Effects[]): Promise<void>[] {
    const queues = new Map<string, BusRecord[]>();
    const fast = new Map<string, Envelope[]>();
    for (const effect of effects) {
      for (const { nextHop, envelope } of effect.forwards) {
        if (envelope.lane === 'FAST') getOrAdd(fast, nextHop).push(envelope);
        else getOrAdd(queues, nextHop).push({ key: envelope.from, value: encodeEnvelope(envelope) });
      }
    }
    for (const [nextHop, envelopes] of fast) this.fastForward(nextHop, envelopes);
    return [...queues].map(async ([nextHop, records]) => {
      const topic = linkQueueTopic(this.domain, nextHop);
      await this.ensure('RELIABLE', topic, 1);
      await this.lanes.RELIABLE.publish(topic, records);
    });
  }

  /** Webhook events, keyed by app, on the RELIABLE webhook topic (sent by `WebhookSender`). */
  private async queueWebhooks(records: BusRecord[]): Promise<void> {
    const topic = webhookTopic(this.domain);
    await this.ensure('RELIABLE', topic);
    await this.lanes.RELIABLE.publish(topic, records);
  }

  /** Interest announcements to every processor of this domain; FAST, so a failure loses them (they come again). */
  private announce(records: BusRecord[]): Promise<void> {
    const topic = interestTopic(this.domain);
    return this.ensure('FAST', topic)
      .then(() => this.lanes.FAST.publish(topic, records))
      .catch(() => undefined);
  }

  private ensure(lane: Lane, topic: string, partitions = this.partitions): Promise<void> {
    const ensured = this.ensured[lane];
    let done = ensured.get(topic);
    if (!done) {
      done = this.lanes[lane].ensureTopics([topic], partitions);
      done.catch(() => ensured.delete(topic));
      ensured.set(topic, done);
    }
    return done;
  }
}

/** Outgoing records grouped by (lane, connector), each group in order; keyed without building a string per record. */
function groupByTopic(effects: readonly Effects[]): Outgoing[][] {
  const groups: Record<Lane, Map<string, Outgoing[]>> = { RELIABLE: new Map(), FAST: new Map() };
  for (const effect of effects) {
    for (const outgoing of effect.outgoing) getOrAdd(groups[outgoing.lane], outgoing.connector).push(outgoing);
  }
  return [...groups.RELIABLE.values(), ...groups.FAST.values()];
}

function mergeRemovals(effects: readonly Effects[]): Map<string, Set<string>> {
  const byUser = new Map<string, Set<string>>();
  for (const effect of effects) {
    for (const { userId, ids } of effect.removed) {
      let set = byUser.get(userId);
      if (!set) byUser.set(userId, (set = new Set()));
      for (const id of ids) set.add(id);
    }
  }
  return byUser;
}
