import type { BusRecord } from '@linker/bus';
import type { WebhookEvent } from '@linker/contracts';
import { MAX_BATCH_EVENTS } from './batches';

/** First retry delay (the upper bound of its jitter), doubling per attempt, at most `MAX_RETRY_DELAY_MS`. */
export const FIRST_RETRY_DELAY_MS = 1_000;
export const MAX_RETRY_DELAY_MS = 5 * 60_000;
/** A batch first tried longer ago than this is dropped instead of tried again. */
export const MAX_RETRY_AGE_MS = 60 * 60_000;

/** One batch of an app's events waiting on the retry topic for its next attempt. */
export interface RetryItem {
  /** Derived from its events (the first one's id and their number), so the same batch written twice has the same id. */
  id: string;
  app: string;
  /** Attempts made so far (0: queued without one, while its app's receiver was failing). */
  attempt: number;
  /** When it was first tried or queued, epoch ms. */
  firstAt: number;
  /** Not tried again before this, epoch ms. */
  due: number;
  events: WebhookEvent[];
}

/** A batch of `app`'s events, tried `attempt` times, for the retry topic. */
export function retryItem(app: string, events: WebhookEvent[], attempt: number, now: number, random: () => number): RetryItem {
  return { id: `${events[0].id}+${events.length}`, app, attempt, firstAt: now, due: nextDue(attempt, now, random), events };
}

/** `item` after one more failed attempt at `now`. */
export function failedAgain(item: RetryItem, now: number, random: () => number): RetryItem {
  return { ...item, attempt: item.attempt + 1, due: nextDue(item.attempt + 1, now, random) };
}

/** Full jitter: a random delay up to 1 s × 2^(attempt − 1), at most 5 min; none before the first attempt. */
function nextDue(attempt: number, now: number, random: () => number): number {
  if (attempt === 0) return now;
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** Math.min(attempt - 1, 30));
  return now + Math.floor(random() * ceiling);
}

/**
 * `items` with those of one app and one attempt count merged, in order, into items of up to `MAX_BATCH_EVENTS` events
 * (due and first tried at the earliest of theirs), so a backlog of small batches does not stay as many records, each
 * written back on every pass. `replaced`: the items merged into others.
 */
export function mergeWaiting(items: readonly RetryItem[]): { items: RetryItem[]; replaced: RetryItem[] } {
  const merged: RetryItem[] = [];
  const replaced: RetryItem[] = [];
  const open = new Map<string, { item: RetryItem; sources: RetryItem[] }>();
  for (const item of items) {
    const key = `${item.app}\u0000${item.attempt}`;
    const current = open.get(key);
    if (current && current.item.events.length + item.events.length <= MAX_BATCH_EVENTS) {
      const events = [...current.item.events, ...item.events];
      const id = `${events[0].id}+${events.length}`;
      const due = Math.min(current.item.due, item.due);
      current.item = { ...current.item, id, due, firstAt: Math.min(current.item.firstAt, item.firstAt), events };
      current.sources.push(item);
      continue;
    }
    if (current) merged.push(closeMerge(current, replaced));
    open.set(key, { item, sources: [item] });
  }
  for (const current of open.values()) merged.push(closeMerge(current, replaced));
  return { items: merged, replaced };
}

function closeMerge(current: { item: RetryItem; sources: RetryItem[] }, replaced: RetryItem[]): RetryItem {
  if (current.sources.length > 1) replaced.push(...current.sources);
  return current.item;
}

export function encodeRetryItem(item: RetryItem): BusRecord {
  return { key: item.app, value: Buffer.from(JSON.stringify(item)) };
}

/** The item a record holds, or undefined when it holds none (logged by the caller). */
export function decodeRetryItem(record: BusRecord): RetryItem | undefined {
  try {
    const item = JSON.parse(record.value.toString('utf8')) as Partial<RetryItem>;
    const valid =
      typeof item.id === 'string' &&
      typeof item.app === 'string' &&
      typeof item.attempt === 'number' &&
      typeof item.firstAt === 'number' &&
      typeof item.due === 'number' &&
      Array.isArray(item.events) &&
      item.events.length > 0;
    return valid ? (item as RetryItem) : undefined;
  } catch {
    return undefined;
  }
}

/** The webhook event a record of the main topic holds, or undefined. */
export function decodeEvent(record: BusRecord): WebhookEvent | undefined {
  try {
    const event = JSON.parse(record.value.toString('utf8')) as Partial<WebhookEvent>;
    return typeof event.id === 'string' && typeof event.app === 'string' && typeof event.type === 'string'
      ? (event as WebhookEvent)
      : undefined;
  } catch {
    return undefined;
  }
}
