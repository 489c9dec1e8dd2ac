import { createHash, timingSafeEqual } from 'node:crypto';

/** Injection token of `LINKER_INTERNAL_TOKEN` (`null` when unset). */
export const INTERNAL_TOKEN = Symbol('INTERNAL_TOKEN');

/**
 * `Authorization: Bearer <LINKER_INTERNAL_TOKEN>`, the processors' and connectors' credential for the internal
 * endpoints: compared in constant time (SHA-256 of both), never logged. With no token configured nothing holds it.
 */
export class InternalGate {
  private readonly expected: Buffer | null;

  constructor(token: string | null) {
    this.expected = token ? digest(token) : null;
  }

  /** Whether an internal token is configured (without, the internal endpoints do not exist: 404). */
  get configured(): boolean {
    return this.expected !== null;
  }

  holds(authorization: string | undefined): boolean {
    const presented = /^Bearer +(.+)$/i.exec(authorization?.trim() ?? '')?.[1];
    return presented !== undefined && this.expected !== null && timingSafeEqual(digest(presented), this.expected);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
