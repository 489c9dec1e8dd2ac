import type { BusRecord } from '@linker/bus';
import type { WebhookEvent } from '@linker/contracts';

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
