/**
 * `items` cut, in order, into runs whose bytes (`overhead` plus each item's `sizeOf`) stay within `maxBytes`; an item
 * too large for any run goes alone. Both real lanes split large publishes this way (Kafka's request limit, NATS's
 * `max_payload`).
 */
export function chunksBySize<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  maxBytes: number,
  overhead = 0,
): Array<{ items: T[]; bytes: number }> {
  const chunks: Array<{ items: T[]; bytes: number }> = [];
  for (const item of items) {
    const size = sizeOf(item);
    const last = chunks[chunks.length - 1];
    if (last && last.bytes + size <= maxBytes) {
      last.items.push(item);
      last.bytes += size;
    } else {
      chunks.push({ items: [item], bytes: overhead + size });
    }
  }
  return chunks;
}
