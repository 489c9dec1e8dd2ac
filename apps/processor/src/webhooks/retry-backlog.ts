import { MAX_RETRY_AGE_MS, type RetryItem } from './retry-items';

interface Entry {
  app: string;
  events: number;
  firstAt: number;
  seenAt: number;
}

/** An item not read again for this long is another processor's now (the retry topic's partitions moved): forgotten. */
const FORGET_AFTER_MS = 5 * 60_000;

/**
 * The retry backlog this processor holds, per app: the items it read from the retry topic and has neither delivered
 * nor dropped (each is read again on every pass, so the count follows the topic). Beyond `maxPending` events of one
 * app, its oldest items are dropped (`onDropped`) and, should they be read again, skipped. Holds a few numbers per item,
 * never the events.
 */
export class RetryBacklog {
  private readonly items = new Map<string, Entry>();
  private readonly byApp = new Map<string, number>();
  /** Items dropped for the bound, by id, with when: skipped if read again. */
  private readonly dropped = new Map<string, number>();

  constructor(
    private readonly maxPending: number,
    private readonly onDropped: (app: string, events: number) => void,
  ) {}

  /** Count the `items` just read (those seen before are not counted twice); the ones still to handle. */
  admit(items: readonly RetryItem[], now: number): RetryItem[] {
    this.forget(now);
    const over = new Set<string>();
    for (const item of items) {
      if (this.dropped.has(item.id)) continue;
      const entry = this.items.get(item.id);
      if (entry) {
        entry.seenAt = now;
        continue;
      }
      this.items.set(item.id, { app: item.app, events: item.events.length, firstAt: item.firstAt, seenAt: now });
      const pending = (this.byApp.get(item.app) ?? 0) + item.events.length;
      this.byApp.set(item.app, pending);
      if (pending > this.maxPending) over.add(item.app);
    }
    for (const app of over) this.trim(app, now);
    return items.filter((item) => !this.dropped.has(item.id));
  }

  /** `item` was delivered or dropped: no longer pending. */
  settle(item: RetryItem): void {
    const entry = this.items.get(item.id);
    if (!entry) return;
    this.items.delete(item.id);
    this.add(entry.app, -entry.events);
  }

  /** Events pending per app. */
  pending(): ReadonlyMap<string, number> {
    return this.byApp;
  }

  /** Drop `app`'s oldest items until it is within the bound. */
  private trim(app: string, now: number): void {
    const oldest = [...this.items].filter(([, entry]) => entry.app === app).sort(([, a], [, b]) => a.firstAt - b.firstAt);
    for (const [id, entry] of oldest) {
      if ((this.byApp.get(app) ?? 0) <= this.maxPending) break;
      this.items.delete(id);
      this.dropped.set(id, now);
      this.add(app, -entry.events);
      this.onDropped(app, entry.events);
    }
  }

  private add(app: string, events: number): void {
    const pending = (this.byApp.get(app) ?? 0) + events;
    if (pending > 0) this.byApp.set(app, pending);
    else this.byApp.delete(app);
  }

  private forget(now: number): void {
    for (const [id, entry] of this.items) {
      if (now - entry.seenAt <= FORGET_AFTER_MS) continue;
      this.items.delete(id);
      this.add(entry.app, -entry.events);
    }
    for (const [id, at] of this.dropped) if (now - at > MAX_RETRY_AGE_MS) this.dropped.delete(id);
  }
}
