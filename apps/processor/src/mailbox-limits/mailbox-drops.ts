import type { WebhookEvent } from '@linker/contracts';
import type { Mailbox, StoredMessageRef } from '@linker/mailbox';
import { parseUserId, type TopologyView } from '@linker/topology';
import type { Dispatcher } from '../dispatch/dispatcher';
import { Effects } from '../dispatch/effects';

/** Why a message left a mailbox unread: over its app's `maxMessages`, or older than its `maxAgeSeconds`. */
export type DropReason = 'cap' | 'age';

/** Messages dropped from mailboxes by this processor since it started, per app and reason (`linker_mailbox_dropped_total`). */
export class DropCounts {
  private readonly counts = new Map<string, Record<DropReason, number>>();

  add(app: string, reason: DropReason, count: number): void {
    let byReason = this.counts.get(app);
    if (!byReason) this.counts.set(app, (byReason = { cap: 0, age: 0 }));
    byReason[reason] += count;
  }

  /** A copy, by app. */
  snapshot(): Record<string, Record<DropReason, number>> {
    return Object.fromEntries([...this.counts].map(([app, byReason]) => [app, { ...byReason }]));
  }
}

export interface MailboxDropsDeps {
  mailbox: Mailbox;
  /** Queues the events the way a batch's are queued (the webhook topic), durably before `apply` resolves. */
  dispatcher: Pick<Dispatcher, 'apply'>;
  domain: string;
  counts: DropCounts;
}

/**
 * Drops messages from mailboxes, never silently: first the `message.dropped` events of all of them are queued (for
 * the apps with a webhook) and durable, then the messages are removed and counted. A failure or a crash between the
 * two leaves the messages stored, so the next attempt finds them again and queues the same events (their ids are
 * derived from the user and the message): a receiver may get an event twice, never a drop without one. A message
 * removed meanwhile by its delivery was reported dropped but is not counted.
 */
export class MailboxDrops {
  constructor(private readonly deps: MailboxDropsDeps) {}

  /** Report, then remove `refs`; resolves once both are done, rejects (nothing counted) if either failed. */
  async drop(refs: readonly StoredMessageRef[], reason: DropReason, view: TopologyView, now: number): Promise<void> {
    if (refs.length === 0) return;
    const effects = new Effects();
    for (const ref of refs) {
      if (view.appOfUser(ref.userId)?.webhook) effects.notify(this.event(ref, reason, view, now));
    }
    if (effects.webhooks.length > 0) await this.deps.dispatcher.apply([effects]);
    for (const [userId, ids] of byUser(refs)) {
      const removed = await this.deps.mailbox.remove(userId, ids);
      if (removed > 0) this.deps.counts.add(appNameOf(userId, view), reason, removed);
    }
  }

  private event(ref: StoredMessageRef, reason: DropReason, view: TopologyView, now: number): WebhookEvent<'message.dropped'> {
    return {
      id: `${ref.id}.dropped.${ref.userId}`,
      type: 'message.dropped',
      app: appNameOf(ref.userId, view),
      domain: this.deps.domain,
      at: now,
      data: { messageId: ref.id, to: ref.userId, reason },
    };
  }
}

/** The app a user belongs to by its id (`<appName>-<number>`), known to the topology or not; `unknown` for neither. */
function appNameOf(userId: string, view: TopologyView): string {
  return view.appOfUser(userId)?.appName ?? parseUserId(userId)?.appName ?? 'unknown';
}

function byUser(refs: readonly StoredMessageRef[]): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const { userId, id } of refs) {
    let ids = users.get(userId);
    if (!ids) users.set(userId, (ids = []));
    ids.push(id);
  }
  return users;
}
