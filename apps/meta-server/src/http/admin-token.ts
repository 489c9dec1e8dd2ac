import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ForbiddenException, UnauthorizedException } from '@nestjs/common';

/** Injection token of `LINKER_ADMIN_TOKEN` (`null` when unset). */
export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

/**
 * The check every write (`PUT /topology`, rollback) passes first: `Authorization: Bearer <LINKER_ADMIN_TOKEN>`.
 * With no token configured every write is refused (403); a missing or wrong token gets 401. The token is compared
 * in constant time (SHA-256 of both) and never logged or echoed.
 */
export class AdminGate {
  private readonly expected: Buffer | null;

  constructor(token: string | null) {
    this.expected = token ? digest(token) : null;
  }

  /** Throws the refusal when `authorization` does not carry the admin token. */
  check(authorization: string | undefined, response: ServerResponse): void {
    if (!this.expected) {
      throw new ForbiddenException(
        'topology writes are disabled: no admin token is configured (set LINKER_ADMIN_TOKEN on the meta-server)',
      );
    }
    if (!this.holds(authorization)) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException('topology writes need Authorization: Bearer <the admin token>');
    }
  }

  /** Whether `authorization` carries the admin token (never, when none is configured). */
  holds(authorization: string | undefined): boolean {
    const presented = /^Bearer +(.+)$/i.exec(authorization?.trim() ?? '')?.[1];
    return this.expected !== null && presented !== undefined && timingSafeEqual(digest(presented), this.expected);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
