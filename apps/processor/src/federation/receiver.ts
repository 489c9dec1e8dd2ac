import { fastPartitionSubject, type BusRecord, type Lanes } from '@linker/bus';
import { encodeEnvelope, intakeTopic, LINK_TYPES, type Envelope } from '@linker/contracts';
import type { ReceiveHandler } from '@linker/domain-link';
import type { Mailbox } from '@linker/mailbox';
import type { Logger } from '@linker/observability';
import { intakeKeyOf } from '../intake/intake-key';

export interface ReceiverOptions {
  domain: string;
  lanes: Lanes;
  /** The intake's partition count (FAST records go to the subject of their key's partition, as connectors do). */
  partitions: number;
  mailbox: Mailbox;
  logger: Logger;
}

/**
 * What a neighbour hands over a link goes into this domain's intake, keyed by its sender like a connector's
 * envelopes (a publication by its channel), on its own lane (ADR 0009): the handler resolves (and the link acknowledges, ending the neighbour's
 * custody) once the RELIABLE intake holds it. Types a link never carries (client requests, reports, auth) are
 * dead-lettered with the neighbour's name, never routed.
 */
export function linkReceiver(options: ReceiverOptions): ReceiveHandler {
  const { domain, lanes, partitions, mailbox } = options;
  const topic = intakeTopic(domain);
  const log = options.logger.child({ component: 'link-receiver' });
  return async (from: string, envelopes: Envelope[]): Promise<void> => {
    const reliable: BusRecord[] = [];
    const fast: Array<[string, BusRecord]> = [];
    const refused: Envelope[] = [];
    for (const envelope of envelopes) {
      if (!LINK_TYPES.has(envelope.type)) {
        refused.push(envelope);
        continue;
      }
      const key = intakeKeyOf(envelope);
      if (envelope.lane === 'RELIABLE') reliable.push({ key, value: encodeEnvelope(envelope) });
      else fast.push([fastPartitionSubject(topic, key, partitions), { key, value: encodeEnvelope(envelope) }]);
    }
    const at = Date.now();
    for (const envelope of refused) {
      log.error('a neighbour sent a type links never carry; dead-lettered', { peer: from, type: envelope.type, messageId: envelope.id });
      await mailbox.deadLetter({ envelope, reason: `received from ${from} over a link: links never carry ${envelope.type}`, at });
    }
    // FAST: at most once; a failed publish loses them, as FAST allows.
    for (const [subject, record] of fast) lanes.FAST.publish(subject, [record]).catch(() => undefined);
    if (reliable.length > 0) await lanes.RELIABLE.publish(topic, reliable);
  };
}
