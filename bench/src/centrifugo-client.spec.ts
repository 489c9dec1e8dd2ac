import { centrifugoConfig } from '../scenarios/centrifugo';
import { channelOf, isPing, parseReplies, ReplyErrors } from './centrifugo-client';

describe('Centrifugo JSON protocol', () => {
  it('splits a frame into its replies, one per line, and tells pings from pushes', () => {
    const frame = '{"id":1,"connect":{"client":"c1","ping":25,"pong":true}}\n{"id":2,"subscribe":{}}';
    expect(parseReplies(frame).map((r) => r.id)).toEqual([1, 2]);
    const [push] = parseReplies('{"push":{"channel":"BENCH-2","pub":{"data":"b:0:1:2:3:4:xx","info":{"user":"","client":"c1"}}}}');
    expect(push!.push!.pub!.data).toBe('b:0:1:2:3:4:xx');
    expect(parseReplies('{}').map(isPing)).toEqual([true]);
    expect(isPing(push!)).toBe(false);
  });

  it("names each user's channel by its id and keeps the first error reply", () => {
    expect(channelOf('BENCH-1000001')).toBe('BENCH-1000001');
    const errors = new ReplyErrors();
    errors.note({ code: 103, message: 'permission denied' });
    errors.note({ code: 100, message: 'internal server error' });
    expect([errors.count, errors.first]).toEqual([2, '103 permission denied']);
  });
});

describe('Centrifugo configuration of the bench', () => {
  it('accepts clients without tokens, sends nothing out and stops within 10 s', () => {
    expect(centrifugoConfig(18_000, { type: 'memory' })).toEqual({
      http_server: { address: '127.0.0.1', port: 18_000 },
      log: { level: 'warn' },
      engine: { type: 'memory' },
      client: { insecure: true },
      http_api: { disabled: true },
      usage_stats: { disabled: true },
      shutdown: { timeout: '10s' },
    });
  });

  it("runs the Redis engine on the given address under the run's own key prefix", () => {
    expect(centrifugoConfig(18_000, { type: 'redis', address: 'redis://127.0.0.1:16379', prefix: 'linker-bench-x' }).engine).toEqual({
      type: 'redis',
      redis: { address: ['redis://127.0.0.1:16379'], prefix: 'linker-bench-x' },
    });
  });
});
