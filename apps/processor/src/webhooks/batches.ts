import type { WebhookEvent } from '@linker/contracts';

/** Most events in one webhook request. */
export const MAX_BATCH_EVENTS = 100;
/** Most bytes of one request's body; an event larger on its own goes alone. */
const MAX_BATCH_BYTES = 64 * 1024;
/** `{"events":[` and `]}`. */
const ENVELOPE_BYTES = 13;

/**
 * `events` cut into requests of at most `MAX_BATCH_EVENTS` events and `MAX_BATCH_BYTES` bytes of JSON body, in order
 * (an event over the byte limit by itself is sent alone).
 */
export function batchesOf(events: readonly WebhookEvent[]): WebhookEvent[][] {
  const batches: WebhookEvent[][] = [];
  let batch: WebhookEvent[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (batch.length > 0 && (batch.length >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = ENVELOPE_BYTES;
    }
    batch.push(event);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
