import type { BusRecord } from '@linker/bus';
import type { Envelope, Lane } from '@linker/contracts';
import { errorMessage, isRetriable, LinkerError, type Clock, type IdWindow } from '@linker/kernel';
import type { MailboxEntry } from '@linker/mailbox';
import type { Logger } from '@linker/observability';
import type { Presence } from '@linker/presence';
import { isolatedRoutes, type RouteLookup } from '@linker/routing';
import type { TopologyView } from '@linker/topology';
import type { ProcessorSettings } from '../config/processor.config';
import type { Dispatcher } from '../dispatch/dispatcher';
import { Effects } from '../dispatch/effects';
import { storedToSockets } from '../dispatch/stored-to-sockets';
import type { Handler, HandlerContext } from '../handlers';
import type { BatchObserver } from '../health/processor-metrics';
import type { ProcessorStats } from '../health/processor-stats';
import { PresenceCache } from '../sockets/presence-cache';
import { decodeRecord, type DecodedRecord } from './decode';
import { backoffMs, delay } from './retry';

export interface BatchRunnerDeps {
  settings: ProcessorSettings;
  handlers: ReadonlyMap<string, Handler>;
  dispatcher: Dispatcher;
  presence: Presence;
  topology: () => TopologyView;
  /** Routes to other domains under a topology version (federation); absent: other domains are unreachable. */
  routes?: (view: TopologyView) => RouteLookup;
  /** Intake envelope ids already handled (the de-duplication window). */
  seen: IdWindow;
  stats: ProcessorStats;
  /** Told each batch's size and handling time, and, once it is written, the latency of each message it handed to a connector. */
  observe?: BatchObserver;
  /** Told what each batch stored once it is written (the mailbox cap is enforced from there). */
  onStored?: (entries: readonly MailboxEntry[]) => void;
  clock: Clock;
  logger: Logger;
}

/** One batch's shared view: one topology snapshot, one presence read, one time. */
interface BatchScope {
  view: TopologyView;
  routes: RouteLookup;
  presence: PresenceCache;
  now: number;
  /** Records of this batch skipped as already seen. */
  duplicates: number;
}

/**
 * Runs one intake batch. Guarantees:
 * - per-key order: the records of one key (one sender) are handled one after another, in order, and their
 *   deliveries are published in that order; different keys proceed concurrently;
 * - presence for the whole batch is read in one `lookupMany` before the handlers run;
 * - a record seen already (by envelope id) is skipped; a record that is not an envelope, has no handler, or whose
 *   handler keeps failing (`handlerRetries` retries with doubling backoff; at once if not retriable) is
 *   dead-lettered with the reason, never dropped;
 * - except an outage: a handler still failing with a retriable `LinkerError` (what the adapters throw when Redis,
 *   MongoDB or a broker is unreachable) makes `run` reject, so the lane redelivers the batch later instead of a
 *   whole outage's traffic being dead-lettered;
 * - `run` resolves only when every record's effects are durable (published, stored, or dead-lettered); if they
 *   cannot be written after the retries it rejects, so the lane redelivers the batch (effects are idempotent).
 *   Whenever it rejects, the batch's ids are released from the de-duplication window first.
 */
export class BatchRunner {
  /** The routes without federation: this domain alone. */
  private readonly isolated: RouteLookup;

  constructor(private readonly deps: BatchRunnerDeps) {
    this.isolated = isolatedRoutes(deps.settings.domain);
  }

  async run(lane: Lane, records: readonly BusRecord[]): Promise<void> {
    const started = performance.now();
    try {
      await this.runBatch(lane, records);
    } finally {
      this.deps.observe?.batch(lane, records.length, performance.now() - started);
    }
  }

  private async runBatch(lane: Lane, records: readonly BusRecord[]): Promise<void> {
    const now = this.deps.clock.now();
    const decoded = records.map((record) => decodeRecord(record, lane, this.deps.settings.domain, now));
    const view = this.deps.topology();
    const scope: BatchScope = {
      view,
      routes: this.deps.routes?.(view) ?? this.isolated,
      presence: new PresenceCache(this.deps.presence),
      now,
      duplicates: 0,
    };
    await this.prefetch(decoded, scope);
    const chains = await Promise.allSettled([...byKey(decoded).values()].map((chain) => this.runChain(chain, scope)));
    // Plain loops rather than flatMap/find: V8's flatMap is a slow generic path (~3 µs here in the profile), and this
    // runs once per batch, which on FAST is about once per message.
    const effects: Effects[] = [];
    let outage: PromiseRejectedResult | undefined;
    for (const chain of chains) {
      if (chain.status === 'rejected') outage ??= chain;
      else for (const effect of chain.value) effects.push(effect);
    }
    if (outage) this.handBack(effects, records.length, outage.reason);
    await this.write(effects, records.length);
    this.account(lane, effects, records.length, scope.duplicates);
  }

  /** Read the presence of every user the batch's handlers will ask about, in one round trip. */
  private async prefetch(decoded: readonly DecodedRecord[], scope: BatchScope): Promise<void> {
    const users = new Set<string>();
    for (const record of decoded) {
      if (!record.ok) continue;
      for (const user of this.deps.handlers.get(record.envelope.type)?.users?.(record.envelope, scope.view) ?? []) users.add(user);
    }
    try {
      await scope.presence.prefetch(users);
    } catch (error) {
      this.deps.logger.warn('presence prefetch failed; handlers will read presence themselves', { error: errorMessage(error) });
    }
  }

  /** One key's records in order; on an outage, releases what it claimed and rejects. */
  private async runChain(chain: readonly DecodedRecord[], scope: BatchScope): Promise<Effects[]> {
    const results: Effects[] = [];
    try {
      for (const record of chain) {
        const claim = new Effects();
        if (!claim.claim(this.deps.seen, record.envelope.id)) {
          scope.duplicates += 1;
          continue;
        }
        results.push(claim);
        results.push(await this.handle(record, scope));
      }
      return results;
    } catch (error) {
      for (const effect of results) effect.release();
      throw error;
    }
  }

  private async handle(record: DecodedRecord, scope: BatchScope): Promise<Effects> {
    if (!record.ok) return this.deadLetter(record.envelope, `undecodable record: ${record.reason}`, scope.now);
    const { envelope } = record;
    const handler = this.deps.handlers.get(envelope.type);
    if (!handler) return this.deadLetter(envelope, `no handler for type ${envelope.type} (an internal or unknown type)`, scope.now);
    const { handlerRetries, retryBackoffMs } = this.deps.settings;
    for (let attempt = 0; ; attempt++) {
      const effects = new Effects();
      const presence = attempt === 0 ? scope.presence : new PresenceCache(this.deps.presence);
      const context: HandlerContext = { view: scope.view, routes: scope.routes, presence, effects, now: scope.now };
      try {
        await handler.handle(envelope, context);
        return effects;
      } catch (error) {
        effects.release();
        if (attempt >= handlerRetries && error instanceof LinkerError && error.retriable) throw error;
        if (!isRetriable(error) || attempt >= handlerRetries) {
          const tries = attempt + 1;
          return this.deadLetter(
            envelope,
            `${envelope.type} failed after ${tries} attempt${tries === 1 ? '' : 's'}: ${errorMessage(error)}`,
            scope.now,
          );
        }
        this.deps.stats.retries += 1;
        await delay(backoffMs(retryBackoffMs, attempt));
      }
    }
  }

  private deadLetter(envelope: Envelope, reason: string, now: number): Effects {
    const effects = new Effects();
    effects.deadLetter({ envelope, reason, at: now });
    this.deps.logger.warn('envelope dead-lettered', { id: envelope.id, type: envelope.type, reason });
    return effects;
  }

  /**
   * Write the batch's effects, then hand what they stored to sockets its recipients opened meanwhile
   * (`storedToSockets`), retrying; on final failure undo its claims and reject (the lane redelivers).
   */
  private async write(effects: readonly Effects[], records: number): Promise<void> {
    const { handlerRetries, retryBackoffMs } = this.deps.settings;
    for (let attempt = 0; ; attempt++) {
      try {
        const stored = await this.deps.dispatcher.apply(effects);
        if (stored.length > 0) this.deps.onStored?.(stored);
        const handed = await storedToSockets(stored, new PresenceCache(this.deps.presence), this.deps.clock.now());
        if (handed) {
          await this.deps.dispatcher.apply([handed]);
          this.deps.stats.storedThenHanded += handed.outgoing.length;
        }
        return;
      } catch (error) {
        if (attempt >= handlerRetries) this.handBack(effects, records, error);
        await delay(backoffMs(retryBackoffMs, attempt));
      }
    }
  }

  /** Give up on this batch: undo its claims and reject, so the lane delivers it again (RELIABLE) or drops it (FAST). */
  private handBack(effects: readonly Effects[], records: number, error: unknown): never {
    for (const effect of effects) effect.release();
    this.deps.stats.failedBatches += 1;
    this.deps.logger.error('batch not handled (a service is unavailable); it goes back to the lane', {
      records,
      error: errorMessage(error),
    });
    throw error;
  }

  private account(lane: Lane, effects: readonly Effects[], records: number, duplicates: number): void {
    const stats = this.deps.stats;
    stats.processed += records - duplicates;
    if (lane === 'RELIABLE') stats.processedReliable += records - duplicates;
    else stats.processedFast += records - duplicates;
    stats.duplicates += duplicates;
    stats.deadLettered += effects.reduce((sum, e) => sum + e.deadLetters.length, 0);
    stats.lastBatchAt = this.deps.clock.now();
    if (this.deps.observe) observeDeliveries(effects, stats.lastBatchAt, this.deps.observe);
    // A dead-lettered envelope is not remembered as handled: re-injected with its id, it is handled again.
    for (const effect of effects) for (const letter of effect.deadLetters) this.deps.seen.delete(letter.envelope.id);
  }
}

/** The latency of every message handed to a connector (not those a fetch hands out), once per connector. */
function observeDeliveries(effects: readonly Effects[], now: number, observe: BatchObserver): void {
  for (const effect of effects) {
    for (const { lane, delivery } of effect.outgoing) {
      if (delivery.envelope.type === 'MESSAGE' && delivery.fromMailbox !== true) observe.delivery(lane, now - delivery.envelope.createdAt);
    }
  }
}

/** Records grouped by key, each group in record order (Map keeps first-seen key order). */
function byKey(decoded: readonly DecodedRecord[]): Map<string, DecodedRecord[]> {
  const chains = new Map<string, DecodedRecord[]>();
  for (const record of decoded) {
    let chain = chains.get(record.key);
    if (!chain) chains.set(record.key, (chain = []));
    chain.push(record);
  }
  return chains;
}
