import { clientFrameBytes } from '@linker/contracts';
import { Metrics } from '@linker/observability';
import { connectorMetrics } from './connector-metrics';

describe('connectorMetrics', () => {
  const exposition = (metrics: Metrics) => metrics.exposition();

  it('counts frames in and out by type, errors, closes by code and side, rate limits and logins', async () => {
    const metrics = new Metrics({}, { processMetrics: false });
    const sockets = [
      { app: 'ANZ', user: 'ANZ-1', queuedBytes: 100 },
      { app: 'ANZ', user: 'ANZ-1', queuedBytes: 20 },
      { app: 'ANZ', user: 'ANZ-2', queuedBytes: 0 },
      { app: '', user: undefined, queuedBytes: 3 },
    ];
    const meter = connectorMetrics(metrics, { sockets: () => sockets });
    meter.frameIn('MESSAGE');
    meter.frameIn('MESSAGE');
    meter.frameIn('INTERNAL_MESSAGE');
    meter.frameIn(42);
    meter.malformedIn();
    const message = clientFrameBytes({
      id: '0193',
      lane: 'RELIABLE',
      type: 'MESSAGE',
      from: 'ANZ-1',
      to: 'ANZ-2',
      data: { content: 'hi' },
      createdAt: 0,
      hops: 0,
    } as never);
    meter.frameOut(message);
    meter.frameOut(Buffer.from('{"type":"PONG","data":{}}'));
    meter.frameOut(Buffer.from('{"type":"SOMETHING_NEW","data":{}}'));
    meter.error('RATE_LIMITED');
    meter.closed('server', 4004);
    meter.closed('client', 1006);
    meter.closed('client', 3999);
    meter.rateLimited('user');
    meter.auth('accepted', 12);
    const text = await exposition(metrics);
    for (const line of [
      'linker_connector_frames_in_total{type="MESSAGE"} 2',
      'linker_connector_frames_in_total{type="other"} 2',
      'linker_connector_frames_in_total{type="malformed"} 1',
      'linker_connector_frames_out_total{type="MESSAGE"} 1',
      'linker_connector_frames_out_total{type="PONG"} 1',
      'linker_connector_frames_out_total{type="other"} 1',
      'linker_connector_errors_total{code="RATE_LIMITED"} 1',
      'linker_connector_closes_total{code="4004",by="server"} 1',
      'linker_connector_closes_total{code="1006",by="client"} 1',
      'linker_connector_closes_total{code="other",by="client"} 1',
      'linker_connector_rate_limited_total{scope="user"} 1',
      'linker_connector_auth_seconds_count{outcome="accepted"} 1',
      'linker_connector_connections{app="ANZ"} 3',
      'linker_connector_connections{app=""} 1',
      'linker_connector_users{app="ANZ"} 2',
      'linker_connector_send_queue_bytes 123',
    ]) {
      expect(text).toContain(line);
    }
  });
});
