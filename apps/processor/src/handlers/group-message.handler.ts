import type { Envelope } from '@linker/contracts';
import { deliveredMessage } from '../dispatch/envelopes';
import { classify, nameList } from '../routing/placement';
import type { Handler, HandlerContext } from './handler';
import { intakeData } from './intake-data';
import { replyError, replyNotLocal } from './replies';

/**
 * GROUP_MESSAGE (SPEC §2.3): each distinct recipient gets an ordinary MESSAGE (same id, the group's reference,
 * never confirmed). Online local recipients: one Delivery per connector whose targets are every such recipient's
 * sockets there (never one per recipient). Offline local recipients: RELIABLE → one stored copy each, FAST →
 * dropped. Recipients of unknown apps or other domains are named in an error to the sender; the rest still go.
 * More distinct recipients than `maxRecipients`: `TOO_LARGE`, nothing sent.
 */
export function groupMessageHandler(domain: string, maxRecipients: number): Handler {
  return {
    users: (envelope) => {
      const to = (envelope.data as { to?: unknown } | null)?.to;
      return Array.isArray(to) && to.length <= maxRecipients ? to.filter((id): id is string => typeof id === 'string') : [];
    },
    async handle(envelope: Envelope, { view, presence, effects, now }: HandlerContext): Promise<void> {
      const data = intakeData(envelope, 'GROUP_MESSAGE');
      const recipients = [...new Set(data.to)];
      if (recipients.length > maxRecipients) {
        const message = `a group message may have at most ${maxRecipients} recipients, this one has ${recipients.length}`;
        return replyError(effects, envelope, 'too-large', 'TOO_LARGE', message, domain, now);
      }
      const { local, 'unknown-app': unknown, unreachable } = classify(view, recipients, domain);
      if (unknown.length > 0) replyNotLocal(effects, envelope, 'unknown-app', nameList(unknown), domain, now);
      if (unreachable.length > 0) replyNotLocal(effects, envelope, 'unreachable', nameList(unreachable), domain, now);
      if (local.length === 0) return;
      const message = deliveredMessage(envelope, undefined, data.content, false);
      const sockets = await presence.sockets(local);
      effects.deliverToSockets(envelope.lane, envelope.from, message, [...sockets].filter(([, s]) => s.length > 0));
      if (envelope.lane !== 'RELIABLE') return;
      for (const [userId, s] of sockets) if (s.length === 0) effects.store(userId, { ...message, to: userId });
    },
  };
}
