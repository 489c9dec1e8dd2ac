import type { ServerResponse } from 'node:http';
import { Controller, Get, Headers, Inject, NotFoundException, Res, UnauthorizedException } from '@nestjs/common';
import { BearerToken } from '@linker/lifecycle';
import { matchesVersion } from '../topology/negotiation';
import { TopologyStore } from '../topology/topology-store';
import { INTERNAL_TOKEN } from './internal-token';

/**
 * `GET /internal/topology`: the topology with its secrets, for the processors (which verify `jwtSecret` logins and call
 * `authUrl`s). Not part of the public API (secrets are never readable through it: docs/protocol.md, Secrets): answered only to
 * `Authorization: Bearer <LINKER_INTERNAL_TOKEN>`; with no token configured it does not exist (404).
 */
@Controller('internal/topology')
export class InternalTopologyController {
  private readonly gate: BearerToken;

  constructor(
    private readonly store: TopologyStore,
    @Inject(INTERNAL_TOKEN) token: string | null,
  ) {
    this.gate = new BearerToken(token);
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
    if (!this.gate.configured) throw new NotFoundException();
    if (!this.gate.holds(authorization)) {
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
}
