import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A configured credential presented as `Authorization: Bearer <token>` (the admin and internal tokens): compared in
 * constant time (SHA-256 of both, so lengths do not leak either), never kept in clear, logged or echoed. With no token
 * configured, nothing holds it.
 */
export class BearerToken {
  private readonly expected: Buffer | null;

  constructor(token: string | null | undefined) {
    this.expected = token ? digest(token) : null;
  }

  /** Whether a token is configured. */
  get configured(): boolean {
    return this.expected !== null;
  }

  /** Whether `authorization` carries the token (never, when none is configured). */
  holds(authorization: string | undefined): boolean {
    const presented = /^Bearer +(.+)$/i.exec(authorization?.trim() ?? '')?.[1];
    return this.expected !== null && presented !== undefined && timingSafeEqual(digest(presented), this.expected);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
