import { SYSTEM, type Delivered, type DeliveryReport, type Envelope, type Parked, type Undelivered } from '@linker/contracts';
import type { Logger } from '@linker/observability';
import { routeUser } from '@linker/routing';
import type { Effects } from '../dispatch/effects';
import { confirmationId, hasReference, systemEnvelope } from '../dispatch/envelopes';
import type { IdWindow } from '@linker/kernel';
import { isStorable } from '../stored-messages/storable';
import type { Handler, HandlerContext } from './handler';
import { intakeData } from './intake-data';

/**
 * DELIVERY_REPORT, from connectors (docs/protocol.md, Confirmations, Mailbox):
 * - delivered with `confirm` → `MESSAGE_CONFIRMATION {reference}` (plus `path`, the domains the message crossed, when
 *   it came from another domain) to the sender (RELIABLE; id `<message id>.confirmation`,
 *   so every repeat has the same id; once per message per processor window): to its sockets, or stored in its
 *   mailbox when it is offline, or handed to the next hop toward its home domain (federation);
 * - delivered `fromMailbox` → removed from the recipient's mailbox (only now: a message leaves once delivered);
 * - undelivered RELIABLE messages and confirmations → stored in the recipient's mailbox, unless the recipient has a
 *   live socket that did not fail, which gets it instead if its send queue has room (`ifRoom`: a slow consumer's
 *   whole queue, redelivered at once, would close a fresh socket as slow too; what finds no room comes back
 *   undelivered from that socket and is stored); the connector drops a repeated (socket, id); control frames and FAST
 *   envelopes are live only and dropped;
 * - parked RELIABLE messages (held unacknowledged by an ack-mode socket) → stored in the recipient's mailbox as they
 *   are, idempotently: no re-send (a socket has them) and no confirmation yet (it comes with the `delivered`
 *   `fromMailbox` entry the connector reports on MESSAGE_ACK, which also removes them). Stores and removals of one
 *   batch are written together; a message both parked and delivered in one batch is not left stored (`Dispatcher`).
 */
export function deliveryReportHandler(domain: string, confirmed: IdWindow, logger: Logger): Handler {
  return {
    users: (envelope) => {
      const report = envelope.data as Partial<DeliveryReport> | null;
      const senders = (report?.delivered ?? []).filter((d) => d?.confirm).map((d) => d.from);
      return [...senders, ...(report?.undelivered ?? []).map((u) => u?.userId)].filter((id) => typeof id === 'string');
    },
    async handle(envelope: Envelope, context: HandlerContext): Promise<void> {
      const report = intakeData(envelope, 'DELIVERY_REPORT');
      for (const item of report.delivered) if (item.fromMailbox) context.effects.remove(item.userId, [item.id]);
      park(report.parked ?? [], context.effects);
      await confirm(report.delivered, context);
      await redeliverOrStore(report.undelivered, context);
    },
  };

  async function confirm(delivered: readonly Delivered[], { view, routes, presence, effects, now }: HandlerContext): Promise<void> {
    const wanted = delivered.filter((d) => d.confirm && d.from !== SYSTEM && hasReference(d.reference) && effects.claim(confirmed, d.id));
    if (wanted.length === 0) return;
    const sockets = await presence.sockets(wanted.map((d) => d.from));
    for (const item of wanted) {
      const confirmation = systemEnvelope({
        id: confirmationId(item.id),
        type: 'MESSAGE_CONFIRMATION',
        to: item.from,
        data: item.path ? { reference: item.reference, path: item.path } : { reference: item.reference },
        domain,
        now,
      });
      const live = sockets.get(item.from) ?? [];
      const route = routeUser(view, routes, item.from);
      if (live.length > 0) effects.deliverToSockets('RELIABLE', item.from, confirmation, [[item.from, live]]);
      else if (route.kind === 'local') effects.store(item.from, confirmation);
      else if (route.kind === 'forward') effects.forward(route.via, confirmation);
      else logger.warn('confirmation for a sender whose home cannot be reached dropped', { messageId: item.id, sender: item.from });
    }
  }

  function park(parked: readonly Parked[], effects: Effects): void {
    for (const { userId, envelope, socketIds } of parked) {
      if (envelope.lane === 'RELIABLE' && isStorable(envelope.type))
        effects.store(userId, { ...envelope, to: userId }, { heldBy: socketIds ?? [] });
      else
        logger.warn('parked envelope that is never stored ignored', { messageId: envelope.id, type: envelope.type, lane: envelope.lane });
    }
  }

  async function redeliverOrStore(undelivered: readonly Undelivered[], { view, presence, effects, now }: HandlerContext): Promise<void> {
    const kept = undelivered.filter((u) => u.envelope.lane === 'RELIABLE' && isStorable(u.envelope.type));
    if (kept.length === 0) return;
    const sockets = await presence.sockets(kept.map((u) => u.userId));
    for (const { userId, envelope, failedSocketIds } of kept) {
      const failed = new Set(failedSocketIds);
      const live = (sockets.get(userId) ?? []).filter((s) => !failed.has(s.socketId));
      if (live.length > 0) effects.deliverToSockets('RELIABLE', envelope.from, envelope, [[userId, live]], { ifRoom: true });
      else if (view.livesIn(userId, domain)) effects.store(userId, { ...envelope, to: userId }, { failedOn: [...failed] });
      // Its home moved away (a topology edit) while it was on its way to the user's socket here: kept, never dropped.
      else effects.deadLetter({ envelope, reason: `undelivered to ${userId}, whose home is no longer ${domain}`, at: now });
    }
  }
}
