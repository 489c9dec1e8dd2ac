import type { Envelope } from '@linker/contracts';
import { splitGroup, type UnreachableRecipient } from '@linker/routing';
import { deliveredMessage } from '../dispatch/envelopes';
import { forwardable, messageIdOf, subGroupId, unforwardable } from '../federation/forward';
import type { Handler, HandlerContext } from './handler';
import { intakeData } from './intake-data';
import { nameList, refusalOf, replyError, replyNotLocal, type Refusal } from './replies';

/**
 * GROUP_MESSAGE (docs/protocol.md, Client frames): each distinct recipient gets an ordinary MESSAGE (same id, the group's reference,
 * never confirmed). Online local recipients: one Delivery per connector whose targets are every such recipient's
 * sockets there (never one per recipient). Offline local recipients: RELIABLE → one stored copy each, FAST →
 * dropped. Recipients of other domains: one GROUP_MESSAGE per next hop carrying the recipients reached through it
 * (docs/protocol.md, Federation), with an id derived from the message id and that recipient set (`subGroupId`: a re-send is a repeat,
 * two sub-groups meeting at one domain are not), split again wherever it arrives. Recipients of unknown apps or
 * unreachable domains are named in an error to the sender (dead-lettered when the sender is in another domain); the
 * rest still go. More distinct recipients than `maxRecipients`: `TOO_LARGE`, nothing sent.
 */
export function groupMessageHandler(domain: string, maxRecipients: number): Handler {
  return {
    users: (envelope) => {
      const to = (envelope.data as { to?: unknown } | null)?.to;
      return Array.isArray(to) && to.length <= maxRecipients ? to.filter((id): id is string => typeof id === 'string') : [];
    },
    async handle(envelope: Envelope, context: HandlerContext): Promise<void> {
      const { presence, effects, now } = context;
      const data = intakeData(envelope, 'GROUP_MESSAGE');
      const recipients = new Set(data.to);
      if (recipients.size > maxRecipients) {
        const message = `a group message may have at most ${maxRecipients} recipients, this one has ${recipients.size}`;
        return replyError(effects, envelope, 'too-large', 'TOO_LARGE', message, domain, now);
      }
      const { local, forwards, unreachable } = splitGroup(context.view, context.routes, recipients, envelope.path);
      if (unreachable.length > 0) refuseUnreachable(envelope, unreachable, context);
      for (const [via, users] of forwards) forward(envelope, via, users, data.content, context);
      if (local.length === 0) return;
      const message = deliveredMessage({ ...envelope, id: messageIdOf(envelope.id) }, undefined, data.content, false);
      const sockets = await presence.sockets(local);
      effects.deliverToSockets(
        envelope.lane,
        envelope.from,
        message,
        [...sockets].filter(([, s]) => s.length > 0),
      );
      if (envelope.lane !== 'RELIABLE') return;
      const offline = [...sockets].filter(([, s]) => s.length === 0).map(([userId]) => userId);
      if (offline.length > 0) presence.offlineForSure(now);
      for (const userId of offline) effects.store(userId, { ...message, to: userId });
    },
  };

  /** The recipients no route reaches, refused in two parts: those of no app, then those whose home is out of reach. */
  function refuseUnreachable(envelope: Envelope, recipients: readonly UnreachableRecipient[], context: HandlerContext): void {
    const parts: Record<Refusal, string[]> = { 'unknown-app': [], unreachable: [] };
    for (const { userId, reason } of recipients) parts[refusalOf(reason)].push(userId);
    refuse(envelope, parts['unknown-app'], 'unknown-app', context);
    refuse(envelope, parts.unreachable, 'unreachable', context);
  }

  /** Recipients that cannot be reached: the sender is told (if it is of this domain), else the part is dead-lettered. */
  function refuse(envelope: Envelope, users: readonly string[], kind: Refusal, { effects, now }: HandlerContext): void {
    if (users.length === 0) return;
    if (envelope.origin) return replyNotLocal(effects, envelope, kind, nameList(users), domain, now);
    effects.deadLetter({
      envelope: { ...envelope, data: { ...(envelope.data as object), to: users } },
      reason: `${kind}: ${nameList(users)} from ${domain}`,
      at: now,
    });
  }

  /** One GROUP_MESSAGE for the recipients reached through `via`, into its custody queue. */
  function forward(envelope: Envelope, via: string, users: string[], content: string, context: HandlerContext): void {
    const part = forwardable({ ...envelope, id: subGroupId(messageIdOf(envelope.id), users), data: { to: users, content } });
    if (unforwardable(part, via) === undefined) context.effects.forward(via, part);
    else refuse(envelope, users, 'unreachable', context);
  }
}
