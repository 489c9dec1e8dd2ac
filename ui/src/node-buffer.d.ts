/**
 * libs/contracts' byte codecs (the lanes' and links' records: servers only, never called by this page) name Node's
 * `Buffer`. The page type-checks against the DOM's globals alone, so `Buffer` is declared here with just what those
 * codecs use; nothing in ui/ may call it (the bundle has no Buffer).
 */
interface Buffer extends Uint8Array {
  toString(encoding?: string, start?: number, end?: number): string;
  /** What tells a Buffer from a plain Uint8Array (for `isBuffer`'s narrowing). */
  readUInt8(offset: number): number;
  write(text: string, offset: number, length: number, encoding: string): number;
  copy(target: Uint8Array, targetStart?: number): number;
  subarray(start?: number, end?: number): Buffer;
}
declare const Buffer: {
  from(...args: unknown[]): Buffer;
  isBuffer(value: unknown): value is Buffer;
  concat(list: readonly Uint8Array[]): Buffer;
  byteLength(text: string): number;
  allocUnsafe(size: number): Buffer;
};
