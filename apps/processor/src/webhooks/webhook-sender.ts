import { setTimeout as delay } from 'node:timers/promises';
import type { Bus, BusRecord, Subscription } from '@linker/bus';
import { webhookRetryTopic, webhookTopic, type WebhookEvent } from '@linker/contracts';
import { getOrAdd, type Clock } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { AppWebhook, TopologyView } from '@linker/topology';
import type { FetchFn } from '../auth/auth-webhook';
import type { WebhookSettings } from '../config/webhook.config';
import { batchesOf } from './batches';
import {
  decodeEvent,
  decodeRetryItem,
  encodeRetryItem,
  failedAgain,
  FIRST_RETRY_DELAY_MS,
  mergeWaiting,
  MAX_RETRY_AGE_MS,
  MAX_RETRY_DELAY_MS,
  retryItem,
  type RetryItem,
} from './retry-items';
import { RetryBacklog } from './retry-backlog';
import { WebhookClient } from './webhook-client';
import { WebhookStats, type AppWebhookReport } from './webhook-stats';

/** Longest a retry pass waits for an item to fall due before it puts the items back on the topic and reads on. */
const HOLD_MS = 2_000;

export interface WebhookSenderDeps {
  /** The RELIABLE lane: the webhook topics live there (Kafka; the embedded broker in embedded mode). */
  bus: Bus;
  domain: string;
  partitions: number;
  settings: WebhookSettings;
  topology: () => TopologyView;
  fetch: FetchFn;
  clock: Clock;
  logger: Logger;
  /** Default `Math.random`. */
  random?: () => number;
  /** Waits `ms` (less if `signal` aborts); default: a timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A receiver failing on this processor: new events of its app go straight to the retry topic until `until`. */
interface Failing {
  until: number;
  failures: number;
}

/**
 * Sends the apps' webhook events (docs/protocol.md, Webhooks), as a member of the processors' group on the webhook
 * topic and on its retry topic. Fresh events go out per app in batches; a batch that fails goes to the retry topic with
 * its next attempt's time, and the main topic moves on. While an app's receiver fails, its fresh events go to the retry
 * topic without an attempt, so a dead receiver holds up nobody else's events. A batch is committed only once its events
 * were accepted, dropped or written to the retry topic: a processor killed at any point loses nothing (some events may
 * be sent twice: receivers de-duplicate by id).
 */
export class WebhookSender {
  readonly stats = new WebhookStats();
  private readonly client: WebhookClient;
  private readonly backlog: RetryBacklog;
  private readonly failing = new Map<string, Failing>();
  private readonly stopping = new AbortController();
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private subscriptions: Subscription[] = [];
  private joining: Promise<void> | undefined;

  constructor(private readonly deps: WebhookSenderDeps) {
    const { fetch, clock, settings } = deps;
    this.client = new WebhookClient({ fetch, clock, timeoutMs: settings.webhookTimeoutMs, concurrency: settings.webhookConcurrency });
    this.backlog = new RetryBacklog(settings.webhookMaxPending, (app, events) => this.drop(app, events, 'the retry backlog is full'));
    this.random = deps.random ?? Math.random;
    this.sleep = deps.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined));
  }

  /** Join both groups; once: later calls wait for the same join (a failed join is tried again by the next call). */
  async start(): Promise<void> {
    this.joining ??= this.join();
    try {
      await this.joining;
    } catch (error) {
      this.joining = undefined;
      throw error;
    }
  }

  private async join(): Promise<void> {
    const { bus, domain, partitions } = this.deps;
    const [main, retry] = [webhookTopic(domain), webhookRetryTopic(domain)];
    await bus.ensureTopics([main, retry], partitions);
    const group = `linker.${domain}.webhook-senders`;
    this.subscriptions.push(await bus.subscribe({ topic: main, group, handler: (records) => this.sendFresh(records) }));
    this.subscriptions.push(await bus.subscribe({ topic: retry, group: `${group}.retry`, handler: (records) => this.retry(records) }));
  }

  /** Stop reading: a retry pass stops waiting, the batches in hand finish (and commit). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.subscriptions.splice(0).map((subscription) => subscription.close()));
  }

  /** Per app: what was sent, failed, dropped, and is pending here. */
  report(): Record<string, AppWebhookReport> {
    return this.stats.report(this.backlog.pending());
  }

  /** A batch of the main topic: each app's events sent at once, those that fail queued for a retry. */
  async sendFresh(records: readonly BusRecord[]): Promise<void> {
    const byApp = new Map<string, WebhookEvent[]>();
    for (const record of records) {
      const event = decodeEvent(record);
      if (event) getOrAdd(byApp, event.app).push(event);
      else this.deps.logger.warn('webhook record skipped: not an event', { key: record.key });
    }
    const retries: RetryItem[] = [];
    await Promise.all([...byApp].map(([app, events]) => this.sendApp(app, events, retries)));
    await this.requeue(retries);
  }

  /** A batch of the retry topic: the items due are tried again (waiting up to `HOLD_MS` for one), the others put back. */
  async retry(records: readonly BusRecord[]): Promise<void> {
    const items = this.waiting(records);
    const wait = Math.min(...items.map((item) => item.due)) - this.deps.clock.now();
    if (items.length > 0 && wait > 0 && !this.stopping.signal.aborted) await this.sleep(Math.min(wait, HOLD_MS), this.stopping.signal);
    const now = this.deps.clock.now();
    const again: RetryItem[] = [];
    const due = new Map<string, RetryItem[]>();
    for (const item of items) {
      if (item.due > now || this.stopping.signal.aborted) again.push(item);
      else getOrAdd(due, item.app).push(item);
    }
    await Promise.all([...due].map(([app, list]) => this.retryApp(app, list, again)));
    await this.requeue(again);
  }

  /** The items of a retry batch still to handle: counted in the backlog, the expired dropped, small ones merged. */
  private waiting(records: readonly BusRecord[]): RetryItem[] {
    const now = this.deps.clock.now();
    const read = this.backlog.admit(this.decodeItems(records), now).filter((item) => !this.expired(item));
    const { items, replaced } = mergeWaiting(read);
    for (const item of replaced) this.backlog.settle(item);
    return replaced.length > 0 ? this.backlog.admit(items, now) : items;
  }

  private async sendApp(app: string, events: WebhookEvent[], retries: RetryItem[]): Promise<void> {
    const hook = this.hookOf(app, events.length);
    if (!hook) return;
    const now = this.deps.clock.now();
    const batches = batchesOf(events);
    const pausedUntil = this.failing.get(app)?.until ?? 0;
    if (pausedUntil > now) {
      retries.push(...batches.map((batch) => ({ ...retryItem(app, batch, 0, now, this.random), due: pausedUntil })));
      return;
    }
    for (const [index, batch] of batches.entries()) {
      const failure = await this.client.send(app, hook, batch);
      if (failure === undefined) {
        this.delivered(app, batch.length);
        continue;
      }
      this.failed(app, failure);
      for (const rest of batches.slice(index)) this.reschedule(retryItem(app, rest, 1, this.deps.clock.now(), this.random), retries);
      return;
    }
  }

  private async retryApp(app: string, items: RetryItem[], again: RetryItem[]): Promise<void> {
    const hook = this.hookOf(app, 0);
    for (const [index, item] of items.entries()) {
      if (!hook) {
        this.backlog.settle(item);
        this.drop(app, item.events.length, 'the app has no webhook now');
        continue;
      }
      const failure = await this.sendAll(app, hook, item.events);
      if (failure === undefined) {
        this.backlog.settle(item);
        this.delivered(app, item.events.length);
        continue;
      }
      this.failed(app, failure);
      const now = this.deps.clock.now();
      for (const rest of items.slice(index)) this.reschedule(failedAgain(rest, now, this.random), again);
      return;
    }
  }

  /** `events` in requests of at most 100 events and 64 KB, in order; the first failure ends it (why), else undefined. */
  private async sendAll(app: string, hook: AppWebhook, events: WebhookEvent[]): Promise<string | undefined> {
    for (const batch of batchesOf(events)) {
      const failure = await this.client.send(app, hook, batch);
      if (failure !== undefined) return failure;
    }
    return undefined;
  }

  /** `item` after a failed attempt: back on the retry topic, or dropped when it had its attempts. */
  private reschedule(item: RetryItem, again: RetryItem[]): void {
    if (item.attempt < this.deps.settings.webhookMaxAttempts) {
      again.push(item);
      return;
    }
    this.backlog.settle(item);
    this.drop(item.app, item.events.length, `${item.attempt} attempts failed`);
  }

  /** Too old: dropped (the caller skips it). */
  private expired(item: RetryItem): boolean {
    if (this.deps.clock.now() - item.firstAt <= MAX_RETRY_AGE_MS) return false;
    this.backlog.settle(item);
    this.drop(item.app, item.events.length, 'first tried over an hour ago');
    return true;
  }

  /** The app's webhook now; none: its `events` are dropped (counted). */
  private hookOf(app: string, events: number): AppWebhook | undefined {
    const hook = this.deps.topology().app(app)?.webhook;
    if (!hook && events > 0) this.drop(app, events, 'the app has no webhook now');
    return hook;
  }

  private delivered(app: string, events: number): void {
    this.stats.sent(app, events);
    this.failing.delete(app);
  }

  /** A request failed: new events of the app skip their first attempt for a while (1 s, doubling, at most 5 min). */
  private failed(app: string, reason: string): void {
    this.stats.failed(app);
    const failures = (this.failing.get(app)?.failures ?? 0) + 1;
    const pause = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** Math.min(failures - 1, 30));
    this.failing.set(app, { failures, until: this.deps.clock.now() + pause });
    this.deps.logger.debug('webhook request failed', { app, reason });
  }

  private drop(app: string, events: number, reason: string): void {
    this.stats.dropped(app, events);
    this.deps.logger.warn('webhook events dropped', { app, events, reason });
  }

  private decodeItems(records: readonly BusRecord[]): RetryItem[] {
    const items: RetryItem[] = [];
    for (const record of records) {
      const item = decodeRetryItem(record);
      if (item) items.push(item);
      else this.deps.logger.warn('webhook retry record skipped: not a retry item', { key: record.key });
    }
    return items;
  }

  private async requeue(items: readonly RetryItem[]): Promise<void> {
    if (items.length > 0) await this.deps.bus.publish(webhookRetryTopic(this.deps.domain), items.map(encodeRetryItem));
  }
}
