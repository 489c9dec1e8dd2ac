import type { BusRecord } from '@linker/bus';
import { isContentOnly, type WebhookEvent, type WebhookEventData, type WebhookEventType } from '@linker/contracts';
import type { Clock } from '@linker/kernel';
import type { DeadLetter } from '@linker/mailbox';
import type { TopologyView } from '@linker/topology';
import type { Effects, StoredEntry } from '../dispatch/effects';

/** An event before it is addressed: its cause-derived id, type and data, and the user whose app it concerns. */
interface Draft {
  id: string;
  type: WebhookEventType;
  /** Users whose apps to tell (each app once). */
  users: readonly string[];
  data: WebhookEventData[WebhookEventType];
}

/**
 * The webhook events of one batch's effects (docs/protocol.md, Webhooks), as records for `webhookTopic(domain)` keyed
 * by app: `message.stored` for each message stored for a user no socket of whom holds it, `message.dead_lettered` for
 * each dead letter (to the sender's app and the recipient's), and the events the handlers queued (`Effects.notify`).
 * Only for apps whose webhook takes the type; `content` only with `includeContent`. Ids derive from the cause, so a
 * batch written again makes the same events. Nothing is made (not even a time read) while no app has a webhook.
 */
export class WebhookProducer {
  private hooked = new WeakMap<TopologyView, boolean>();

  constructor(
    private readonly topology: () => TopologyView,
    private readonly domain: string,
    private readonly clock: Clock,
  ) {}

  records(effects: readonly Effects[], stored: readonly StoredEntry[], deadLetters: readonly DeadLetter[]): BusRecord[] {
    const view = this.topology();
    if (!this.anyWebhook(view)) return [];
    const at = this.clock.now();
    const records: BusRecord[] = [];
    const add = (event: WebhookEvent): void => {
      const hook = view.app(event.app)?.webhook;
      if (!hook || (hook.events !== undefined && !hook.events.includes(event.type))) return;
      if (event.type === 'message.stored' && hook.includeContent !== true) delete (event.data as { content?: unknown }).content;
      records.push({ key: event.app, value: Buffer.from(JSON.stringify(event)) });
    };
    for (const draft of drafts(stored, deadLetters)) {
      const apps = new Set(draft.users.map((user) => view.appOfUser(user)?.appName));
      for (const app of apps)
        if (app !== undefined) add({ id: draft.id, type: draft.type, app, domain: this.domain, at, data: draft.data });
    }
    for (const effect of effects) for (const event of effect.webhooks) add({ ...event, data: { ...event.data } });
    return records;
  }

  private anyWebhook(view: TopologyView): boolean {
    let any = this.hooked.get(view);
    if (any === undefined) this.hooked.set(view, (any = view.topology.clientApps.some((app) => app.webhook !== undefined)));
    return any;
  }
}

function* drafts(stored: readonly StoredEntry[], deadLetters: readonly DeadLetter[]): Generator<Draft> {
  for (const { userId, envelope, heldBy } of stored) {
    if (heldBy !== undefined && heldBy.length > 0) continue;
    const content = isContentOnly(envelope.data) ? envelope.data.content : envelope.data;
    const data = { messageId: envelope.id, to: userId, from: envelope.from, content };
    yield { id: `${envelope.id}.stored.${userId}`, type: 'message.stored', users: [userId], data };
  }
  for (const { envelope, reason } of deadLetters) {
    const to = typeof envelope.to === 'string' ? envelope.to : undefined;
    const data = { messageId: envelope.id, ...(to === undefined ? {} : { to }), from: envelope.from, reason };
    const id = `${envelope.id}.dead_lettered.${shortHash(reason)}`;
    yield { id, type: 'message.dead_lettered', users: to === undefined ? [envelope.from] : [envelope.from, to], data };
  }
}

/** A short, stable hash (FNV-1a, 32 bits, hex): tells apart the dead letters of one message by their reasons. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
