/** What the console shows of channels: the subscriptions of one session and the publications they got. Pure, no DOM. */

/** `subscribing` until SUBSCRIBED comes; `refused` when the server said no (`code` says why). */
type SubscriptionState = 'subscribing' | 'subscribed' | 'refused';

/** After a reconnect, for a channel that keeps a history: whether what was missed came again. */
type Continuity = 'recovered' | 'lost';

export interface Subscription {
  channel: string;
  state: SubscriptionState;
  /** The channel's history (channels that keep one): its epoch, and the last offset this session knows of. */
  epoch?: string;
  offset?: number;
  /** Set by the SUBSCRIBED of a re-subscription after a reconnect (channels with a history). */
  continuity?: Continuity;
  /** Re-subscriptions after reconnects. */
  resubscribed: number;
  /** The refusal's code (UNKNOWN_CHANNEL, NOT_ALLOWED…) and its words. */
  code?: string;
  refusal?: string;
  /** Publications received. */
  count: number;
}

export interface Publication {
  /** Unique in the list, in the order of arrival (the element key). */
  key: number;
  channel: string;
  data: unknown;
  /** The publishing user; absent: the app's server. */
  from?: string;
  offset?: number;
  time: number;
}

/** SUBSCRIBED as the SDK's `subscribed` event gives it. */
export interface SubscribedEvent {
  channel: string;
  epoch?: string;
  offset?: number;
  recovered?: boolean;
}

/** How the text to publish is read: as a string, or as a JSON value. */
export type DataFormat = 'text' | 'json';

/** Publications kept per channel (the oldest go first). */
const KEPT_PER_CHANNEL = 100;

export class ChannelList {
  private readonly subs = new Map<string, Subscription>();
  private readonly received = new Map<string, Publication[]>();
  private serial = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly keep = KEPT_PER_CHANNEL,
  ) {}

  /** Every subscription, in the order they were asked for. */
  subscriptions(): Subscription[] {
    return [...this.subs.values()];
  }

  get(channel: string): Subscription | undefined {
    return this.subs.get(channel);
  }

  /** SUBSCRIBE was sent. Asking again keeps what is known of the channel. */
  subscribing(channel: string): void {
    const known = this.subs.get(channel);
    this.subs.set(channel, { channel, resubscribed: 0, count: 0, ...known, state: 'subscribing', code: undefined, refusal: undefined });
  }

  /** SUBSCRIBED came: the first time, or again after a reconnect (then `recovered` tells, for a channel with a history). */
  subscribed(event: SubscribedEvent): void {
    const known = this.subs.get(event.channel);
    const again = known?.state === 'subscribed';
    const sub: Subscription = { channel: event.channel, resubscribed: 0, count: 0, ...known, state: 'subscribed' };
    if (event.epoch !== undefined) sub.epoch = event.epoch;
    if (event.offset !== undefined) sub.offset = event.offset;
    if (again) sub.resubscribed += 1;
    if (event.recovered !== undefined) sub.continuity = event.recovered ? 'recovered' : 'lost';
    this.subs.set(event.channel, sub);
  }

  /** The server refused SUBSCRIBE (or it could not be sent). */
  refused(channel: string, code: string | undefined, refusal: string): void {
    const known = this.subs.get(channel);
    this.subs.set(channel, { channel, resubscribed: 0, count: 0, ...known, state: 'refused', code, refusal });
  }

  /** UNSUBSCRIBE was sent: the channel and its publications leave the list. */
  removed(channel: string): void {
    this.subs.delete(channel);
    this.received.delete(channel);
  }

  /** A PUBLICATION arrived. */
  receive(publication: Omit<Publication, 'key' | 'time'>): Publication {
    this.serial += 1;
    const entry: Publication = { key: this.serial, time: this.now(), ...publication };
    const list = this.received.get(entry.channel) ?? [];
    list.push(entry);
    if (list.length > this.keep) list.splice(0, list.length - this.keep);
    this.received.set(entry.channel, list);
    const sub = this.subs.get(entry.channel);
    if (sub) {
      sub.count += 1;
      if (entry.offset !== undefined && entry.offset > (sub.offset ?? 0)) sub.offset = entry.offset;
    }
    return entry;
  }

  /** The publications kept of `channel`, or of every channel (`undefined`), the newest first. */
  publications(channel?: string): Publication[] {
    const lists = channel === undefined ? [...this.received.values()] : [this.received.get(channel) ?? []];
    return lists.flat().sort((a, b) => b.key - a.key);
  }
}

/** The data typed, as it will be published: the text itself, or the JSON value it spells (or why it does not). */
export function parseData(text: string, format: DataFormat): { ok: true; data: unknown } | { ok: false; why: string } {
  if (format === 'text') return text === '' ? { ok: false, why: 'Write something to publish.' } : { ok: true, data: text };
  try {
    return { ok: true, data: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, why: `Not JSON: ${(error as Error).message}. Choose “text” to publish it as a string.` };
  }
}

/** A publication's data as the list shows it: a string as is, anything else as JSON. */
export function dataText(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data);
}

/** A channel's history position, or that it keeps none. */
export function positionText(sub: Pick<Subscription, 'epoch' | 'offset'>): string {
  return sub.epoch === undefined ? 'no history' : `epoch ${sub.epoch.slice(0, 8)}, offset ${sub.offset ?? 0}`;
}
