import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Controller, Get, Headers, Inject, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { matchesVersion } from '../topology/negotiation';
import { TopologyStore } from '../topology/topology-store';

/** Injection token of `LINKER_INTERNAL_TOKEN` (`null` when unset). */
export const INTERNAL_TOKEN = Symbol('INTERNAL_TOKEN');

/**
 * `GET /internal/topology`: the topology with its secrets, for the processors (which verify `jwtSecret` logins and call
 * `authUrl`s). Not part of the public API (secrets are never readable through it: docs/protocol.md, Secrets): answered only to
 * `Authorization: Bearer <LINKER_INTERNAL_TOKEN>`; with no token configured it does not exist (404).
 */
@Controller('internal/topology')
export class InternalTopologyController {
  /** SHA-256 of the configured token: compared in constant time whatever the length of the one presented. */
  private readonly expected: Buffer | null;

  constructor(
    private readonly store: TopologyStore,
    @Inject(INTERNAL_TOKEN) token: string | null,
  ) {
    this.expected = token ? digest(token) : null;
  }

  /**
   * JSON only; `ETag` is the internal version (it changes when only a secret does) and a matching `If-None-Match`
   * gets 304, as on `GET /topology`.
   */
  @Get()
  topology(
    @Headers('authorization') authorization: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: ServerResponse,
  ): string | undefined {
    if (!this.expected) throw new NotFoundException();
    if (!this.authorized(authorization)) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException();
    }
    const revision = this.store.current();
    response.setHeader('ETag', `"${revision.internalVersion}"`);
    response.setHeader('Cache-Control', 'no-store');
    if (matchesVersion(ifNoneMatch, revision.internalVersion)) {
      response.statusCode = 304;
      return undefined;
    }
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    return revision.internalJson;
  }

  private authorized(authorization: string | undefined): boolean {
    const presented = /^Bearer +(.+)$/i.exec(authorization?.trim() ?? '')?.[1];
    return presented !== undefined && this.expected !== null && timingSafeEqual(digest(presented), this.expected);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
