import type { ServerResponse } from 'node:http';
import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { BearerToken } from '@linker/lifecycle';

/** Injection token of `LINKER_ADMIN_TOKEN` (`null` when unset). */
export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

/**
 * The check every write (`PUT /topology`, rollback) passes first: `Authorization: Bearer <LINKER_ADMIN_TOKEN>`.
 * With no token configured every write is refused (403); a missing or wrong token gets 401. The token is compared
 * in constant time and never logged or echoed (`BearerToken`).
 */
export class AdminGate {
  private readonly token: BearerToken;

  constructor(token: string | null) {
    this.token = new BearerToken(token);
  }

  /** Throws the refusal when `authorization` does not carry the admin token. */
  check(authorization: string | undefined, response: ServerResponse): void {
    if (!this.token.configured) {
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
    return this.token.holds(authorization);
  }
}
