/**
 * The content of one benchmark message: a short header the receiver parses back, padded to a fixed size.
 *
 *   `b:<step>:<sender>:<seq>:<intendedUs>:<sentUs>:` + `x…x`
 *
 * `intendedUs` is when the open-loop schedule meant the message to leave, `sentUs` when it actually left (both in
 * microseconds on the load process's monotonic clock), so the receiver can compute both latencies without a lookup.
 * The padding is made once per size and reused: building a message is one short concatenation.
 */
export interface PayloadHeader {
  step: number;
  sender: number;
  seq: number;
  intendedUs: number;
  sentUs: number;
}

const MARK = 'b:';
const paddings = new Map<number, string>();

function padding(length: number): string {
  let pad = paddings.get(length);
  if (pad === undefined) {
    pad = 'x'.repeat(Math.max(0, length));
    paddings.set(length, pad);
  }
  return pad;
}

/** The content string for `header`, exactly `size` characters long (longer only if the header alone is). */
export function encodePayload(header: PayloadHeader, size: number): string {
  const head = `${MARK}${header.step}:${header.sender}:${header.seq}:${Math.round(header.intendedUs)}:${Math.round(header.sentUs)}:`;
  if (head.length >= size) return head;
  return head + padding(size - head.length);
}

/**
 * `content` as a JSON string literal. Benchmark contents hold only [a-z0-9:], which need no escaping: they are quoted
 * as they are (no `JSON.stringify` per message); anything else is escaped the slow way.
 */
export function jsonString(content: string): string {
  return /^[a-z0-9:]*$/.test(content) ? `"${content}"` : JSON.stringify(content);
}

/** The header of a benchmark content, or undefined for anything else (never throws: foreign frames are ignored). */
export function decodePayload(content: string): PayloadHeader | undefined {
  if (!content.startsWith(MARK)) return undefined;
  const values: number[] = [];
  let start = MARK.length;
  for (let field = 0; field < 5; field++) {
    const end = content.indexOf(':', start);
    if (end < 0) return undefined;
    const value = Number(content.slice(start, end));
    if (!Number.isFinite(value)) return undefined;
    values.push(value);
    start = end + 1;
  }
  const [step, sender, seq, intendedUs, sentUs] = values as [number, number, number, number, number];
  return { step, sender, seq, intendedUs, sentUs };
}
