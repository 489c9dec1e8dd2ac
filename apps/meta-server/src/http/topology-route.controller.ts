import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { parseRouteQuery, previewRoute, type RoutePreview } from '../topology/route-preview';
import { TopologyStore } from '../topology/topology-store';
import { httpError } from './http-errors';

/** `GET /topology/route`: the path a message between two users would take on the current version (the web UI's graph). */
@ApiTags('topology')
@Controller('topology')
export class TopologyRouteController {
  constructor(private readonly store: TopologyStore) {}

  @Get('route')
  @ApiOperation({
    summary:
      'Where two users live (home domains) and the domains a message from one to the other would cross, over the links ' +
      'not listed in `down`; an empty path comes with the reason.',
  })
  @ApiQuery({ name: 'from', description: 'Sender user id, <appName>-<number>.', example: 'ANZ-123456' })
  @ApiQuery({ name: 'to', description: 'Recipient user id.', example: 'ANZ-3123456' })
  @ApiQuery({
    name: 'down',
    required: false,
    description: 'Links to treat as down: <a>~<b>, comma-separated.',
    example: 'domain-01~domain-02',
  })
  @ApiQuery({
    name: 'at',
    required: false,
    description: 'Where a sender whose app has no distributions is connected (default: the recipient’s home).',
  })
  @ApiResponse({ status: 200, description: '{from: {userId, home}, to: {userId, home}, path: [domains], reason?}' })
  @ApiResponse({ status: 400, description: 'A malformed user id, link or domain (every problem in the message).' })
  route(@Query() query: Record<string, unknown>): RoutePreview {
    const topology = this.store.current().masked;
    try {
      return previewRoute(topology, parseRouteQuery(topology, query));
    } catch (error) {
      throw httpError(error);
    }
  }
}
