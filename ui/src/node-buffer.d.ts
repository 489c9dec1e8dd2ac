/**
 * libs/contracts' byte codecs (the lanes' and links' records: servers only, never called by this page) name Node's
 * `Buffer`. The page type-checks against the DOM's globals alone, so `Buffer` is declared here with just what those
 * signatures use; nothing in ui/ may call it (the bundle has no Buffer).
 */
interface Buffer extends Uint8Array {
  toString(encoding?: string): string;
  /** What tells a Buffer from a plain Uint8Array (for `isBuffer`'s narrowing). */
  readUInt8(offset: number): number;
}
declare const Buffer: {
  from(...args: unknown[]): Buffer;
  isBuffer(value: unknown): value is Buffer;
};
