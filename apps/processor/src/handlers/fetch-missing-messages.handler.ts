import { clientFrameSize, type Envelope } from '@linker/contracts';
import type { Mailbox } from '@linker/mailbox';
import { Effects } from '../dispatch/effects';
import { systemEnvelope } from '../dispatch/envelopes';
import { MAX_FETCH_COUNT } from '../stored-messages/storable';
import type { PresenceCache } from '../sockets/presence-cache';
import type { Handler, HandlerContext } from './handler';
import type { HandlerDeps } from './handler-deps';
import { intakeData, originOf } from './intake-data';

/**
 * FETCH_MISSING_MESSAGES_REQUEST (docs/protocol.md, Fetch): the oldest `min(count, 2000)` messages of the requester's
 * mailbox, no more than fit in the `maxBytes` of frames the requesting socket can take (the connector's pacing; at
 * least one), in order, each as its own Delivery marked `fromMailbox` to the REQUESTING socket only, then
 * `FETCH_MISSING_MESSAGES_COMPLETE {leftMissingCount}` (how many stay stored besides this batch) to the same socket;
 * all on RELIABLE, keyed by the requester, so they arrive in that order. Nothing is removed here: the connector reports
 * each one written and the DELIVERY_REPORT handler removes it, so a connection lost mid-batch loses nothing.
 * Messages an earlier fetch handed out whose removal may still be on its way (`OutForDelivery`) are skipped and not
 * counted, so a fetch that overtakes the previous fetch's report does not hand them out again (ADR 0007).
 * Fetches of one user are serialized within this processor, and each writes its deliveries inside its turn.
 */
export function fetchMissingMessagesHandler(
  domain: string,
  deps: Pick<HandlerDeps, 'mailbox' | 'dispatcher' | 'fetchLocks' | 'outForDelivery'>,
): Handler {
  const { outForDelivery } = deps;
  return {
    async handle(envelope: Envelope, { now, presence }: HandlerContext): Promise<void> {
      const { count, maxBytes = Number.POSITIVE_INFINITY } = intakeData(envelope, 'FETCH_MISSING_MESSAGES_REQUEST');
      const origin = originOf(envelope);
      const user = envelope.from;
      await deps.fetchLocks.run(user, async () => {
        // A message for the user whose store began before (e.g. undelivered to a socket that just closed) is read too.
        await deps.dispatcher.storesSettled(user);
        const out = await stillOut(user, presence, now);
        const { batch, left } = await readBatch(deps.mailbox, user, Math.min(count, MAX_FETCH_COUNT), out, maxBytes);
        const effects = new Effects();
        for (const message of batch) effects.deliverToSocket('RELIABLE', user, message, user, origin, { fromMailbox: true });
        const complete = systemEnvelope({
          id: `${envelope.id}.complete`,
          type: 'FETCH_MISSING_MESSAGES_COMPLETE',
          to: user,
          data: { leftMissingCount: left },
          domain,
          now,
        });
        effects.deliverToSocket('RELIABLE', user, complete, user, origin);
        await deps.dispatcher.apply([effects]);
        outForDelivery.handOut(
          user,
          batch.map((message) => message.id),
          origin,
          now,
        );
      });
    },
  };

  /**
   * What earlier fetches handed out to sockets of `user` that are still live. A socket presence no longer lists has
   * closed, though its USER_DISCONNECTED may not have come yet (a client that reconnects at once fetches first): what it
   * was handed is fetchable again now, rather than hidden (and left out of `leftMissingCount`) until then. While
   * presence may miss sockets, or cannot be read, nothing is released.
   */
  async function stillOut(user: string, presence: PresenceCache, now: number): Promise<Set<string>> {
    const out = outForDelivery.ids(user, now);
    if (out.size === 0 || !presence.complete(now)) return out;
    const live = await presence.socketsOf(user).catch(() => undefined);
    if (live === undefined) return out;
    outForDelivery.keepLive(user, live);
    return outForDelivery.ids(user, now);
  }
}

/**
 * The oldest `limit` stored messages of `user` that are not `out`, as many of them as fit in `maxBytes` of client frames
 * (at least one), and how many others (not out) stay stored: one `Mailbox.window` of `limit + out.size`. Its `rest`
 * counts only the messages after the window, so the removal of out ids (their report arriving meanwhile) cannot make
 * the count wrong, and no count is read when the window holds all.
 */
async function readBatch(
  mailbox: Mailbox,
  user: string,
  limit: number,
  out: ReadonlySet<string>,
  maxBytes: number,
): Promise<{ batch: Envelope[]; left: number }> {
  const { messages, rest } = await mailbox.window(user, limit + out.size);
  const fresh = out.size === 0 ? messages : messages.filter((message) => !out.has(message.id));
  const batch = fresh.slice(0, Math.max(1, fitting(fresh, limit, maxBytes)));
  return { batch, left: fresh.length - batch.length + rest };
}

/** How many of the first `limit` messages fit in `maxBytes` of client frames. */
function fitting(messages: readonly Envelope[], limit: number, maxBytes: number): number {
  let bytes = 0;
  for (let i = 0; i < Math.min(limit, messages.length); i++) {
    bytes += clientFrameSize(messages[i]);
    if (bytes > maxBytes) return i;
  }
  return Math.min(limit, messages.length);
}
