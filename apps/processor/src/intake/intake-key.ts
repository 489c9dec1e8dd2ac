import { fastPartitionSubject, type Lanes } from '@linker/bus';
import { encodeEnvelope, intakeTopic, type Envelope } from '@linker/contracts';

/** The intake key of an envelope: its channel for a publication (one channel's keep their order), else its sender. */
export function intakeKeyOf(envelope: Envelope): string {
  return envelope.type === 'PUBLISH' && envelope.to !== undefined ? envelope.to : envelope.from;
}

/**
 * Publish `envelope` to `domain`'s intake on its own lane, keyed as a connector keys it (FAST to the subject of its
 * key's partition): resolves once the lane accepted it. Never throws: rejects instead.
 */
export async function publishToIntake(lanes: Lanes, domain: string, partitions: number, envelope: Envelope): Promise<void> {
  const topic = intakeTopic(domain);
  const key = intakeKeyOf(envelope);
  const record = { key, value: encodeEnvelope(envelope) };
  if (envelope.lane === 'FAST') await lanes.FAST.publish(fastPartitionSubject(topic, key, partitions), [record]);
  else await lanes.RELIABLE.publish(topic, [record]);
}
