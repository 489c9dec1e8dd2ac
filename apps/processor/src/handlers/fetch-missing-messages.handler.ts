import type { Envelope } from '@linker/contracts';
import { Effects } from '../dispatch/effects';
import { systemEnvelope } from '../dispatch/envelopes';
import { MAX_FETCH_COUNT } from '../mailbox/storable';
import type { Handler, HandlerContext } from './handler';
import type { HandlerDeps } from './handler-deps';
import { intakeData, originOf } from './intake-data';

/**
 * FETCH_MISSING_MESSAGES_REQUEST (SPEC §2.3, §3.3): the oldest `min(count, 2000)` messages of the requester's
 * mailbox, in order, each as its own Delivery marked `fromMailbox` to the REQUESTING socket only, then
 * `FETCH_MISSING_MESSAGES_COMPLETE {leftMissingCount}` (stored count − batch length) to the same socket; all on
 * RELIABLE, keyed by the requester, so they arrive in that order. Nothing is removed here: the connector reports
 * each one written and the DELIVERY_REPORT handler removes it, so a connection lost mid-batch loses nothing.
 * Fetches of one user are serialized within this processor, and each writes its deliveries inside its turn.
 */
export function fetchMissingMessagesHandler(domain: string, deps: Pick<HandlerDeps, 'mailbox' | 'dispatcher' | 'fetchLocks'>): Handler {
  return {
    async handle(envelope: Envelope, { now }: HandlerContext): Promise<void> {
      const { count } = intakeData(envelope, 'FETCH_MISSING_MESSAGES_REQUEST');
      const origin = originOf(envelope);
      const user = envelope.from;
      await deps.fetchLocks.run(user, async () => {
        const [batch, stored] = await Promise.all([deps.mailbox.oldest(user, Math.min(count, MAX_FETCH_COUNT)), deps.mailbox.count(user)]);
        const effects = new Effects();
        for (const message of batch) effects.deliverToSocket('RELIABLE', user, message, user, origin, true);
        const complete = systemEnvelope({
          id: `${envelope.id}.complete`,
          type: 'FETCH_MISSING_MESSAGES_COMPLETE',
          to: user,
          data: { leftMissingCount: Math.max(0, stored - batch.length) },
          domain,
          now,
        });
        effects.deliverToSocket('RELIABLE', user, complete, user, origin);
        await deps.dispatcher.apply([effects]);
      });
    },
  };
}
