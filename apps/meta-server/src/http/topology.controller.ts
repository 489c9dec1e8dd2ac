import type { ServerResponse } from 'node:http';
import { Controller, Get, Headers, Res } from '@nestjs/common';
import { matchesVersion, preferredFormat } from '../topology/negotiation';
import { TopologyStore } from '../topology/topology-store';

const CONTENT_TYPES = { yaml: 'application/yaml; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

@Controller('topology')
export class TopologyController {
  constructor(private readonly store: TopologyStore) {}

  /**
   * The whole topology, secrets masked: YAML, or JSON when `Accept` prefers it. `ETag` is the version; a matching
   * `If-None-Match` gets 304 with no body.
   */
  @Get()
  topology(
    @Headers('accept') accept: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: ServerResponse,
  ): string | undefined {
    const revision = this.store.current();
    const format = preferredFormat(accept);
    response.setHeader('ETag', `"${revision.version}"`);
    response.setHeader('Vary', 'Accept');
    response.setHeader('Cache-Control', 'no-cache');
    if (matchesVersion(ifNoneMatch, revision.version)) {
      response.statusCode = 304;
      return undefined;
    }
    response.setHeader('Content-Type', CONTENT_TYPES[format]);
    return format === 'json' ? revision.json : revision.yaml;
  }
}
