import type { TSchema, Static } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { LinkerError } from '@linker/kernel';

/**
 * A decoder for JSON records of one schema (compiled once by the caller): bytes to a checked value, or a
 * non-retriable `LinkerError` with `code` saying whether it was not JSON or where it was malformed.
 */
export function jsonDecoder<S extends TSchema>(check: TypeCheck<S>, code: string, what: string): (bytes: Buffer | Uint8Array) => Static<S> {
  return (bytes) => {
    let value: unknown;
    try {
      // Bus records are Buffers already: decode them as they are (a view is made only for a plain Uint8Array).
      const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      value = JSON.parse(buffer.toString('utf8'));
    } catch (cause) {
      throw new LinkerError(code, `${what} is not valid JSON`, { cause });
    }
    if (!check.Check(value)) {
      const first = check.Errors(value).First();
      throw new LinkerError(code, `${what} is malformed at ${first?.path || '/'}: ${first?.message}`);
    }
    return value;
  };
}
