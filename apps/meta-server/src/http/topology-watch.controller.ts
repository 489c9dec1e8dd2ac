import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Inject, Req, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { MetaServerMeter } from '../health/meta-server-metrics';
import { TopologyStore, type TopologyRevision } from '../topology/topology-store';

/** Injection token of the heartbeat period of `GET /topology/watch`, in milliseconds. */
export const WATCH_HEARTBEAT_MS = Symbol('WATCH_HEARTBEAT_MS');
/** Injection token of the meta-server's `MetaServerMeter` (counts the open streams). */
export const META_METER = Symbol('META_METER');

/**
 * `GET /topology/watch`: Server-Sent Events, `event: version` with `data: {"version": "…", "internalVersion": "…"}`
 * once on connect (the current version) and once per change (`internalVersion` also changes when only a secret did:
 * the followers that read `GET /internal/topology` compare it with that endpoint's ETag); a comment line every heartbeat period keeps proxies from closing an
 * idle stream. Every stream is ended when the meta-server shuts down, so it drains at once.
 */
@ApiTags('topology')
@Controller('topology')
export class TopologyWatchController implements BeforeApplicationShutdown {
  private readonly streams = new Set<ServerResponse>();

  constructor(
    private readonly store: TopologyStore,
    @Inject(WATCH_HEARTBEAT_MS) private readonly heartbeatMs: number,
    @Inject(META_METER) private readonly meter: MetaServerMeter,
  ) {}

  @Get('watch')
  @ApiOperation({
    summary:
      'Server-Sent Events: `event: version`, `data: {"version": …, "internalVersion": …}` on connect and for each change (internalVersion changes with secrets too).',
  })
  @ApiProduces('text/event-stream')
  watch(@Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const send = ({ version, internalVersion }: TopologyRevision) =>
      response.write(`event: version\ndata: ${JSON.stringify({ version, internalVersion })}\n\n`);
    send(this.store.current());
    const unsubscribe = this.store.subscribe(send);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), this.heartbeatMs);
    heartbeat.unref();
    this.streams.add(response);
    this.meter.watchers(1);
    const stop = () => {
      if (!this.streams.delete(response)) return;
      clearInterval(heartbeat);
      unsubscribe();
      this.meter.watchers(-1);
    };
    request.once('close', stop);
    response.once('close', stop);
  }

  beforeApplicationShutdown(): void {
    for (const stream of [...this.streams]) stream.end();
  }
}
