import { createLogger, Metrics, silentLogger } from '@linker/observability';

describe('Metrics', () => {
  it('records and exposes counters, gauges and histograms with default labels', async () => {
    const metrics = new Metrics({ app: 'processor' }, { processMetrics: false });
    metrics.counter('linker_messages_total', 'Messages routed.', ['lane']).inc({ lane: 'FAST' }, 3);
    metrics.gauge('linker_sockets', 'Open sockets.').set(7);
    metrics.histogram('linker_route_seconds', 'Routing time.', [0.001, 0.01]).observe(0.005);
    const text = await metrics.exposition();
    expect(text).toContain('linker_messages_total{lane="FAST",app="processor"} 3');
    expect(text).toContain('linker_sockets{app="processor"} 7');
    expect(text).toContain('linker_route_seconds_bucket{le="0.01",app="processor"} 1');
  });
});

describe('silentLogger', () => {
  it('stays silent for itself and its children', () => {
    const write = jest.spyOn(process.stdout, 'write');
    silentLogger.child({ component: 'x' }).error('nothing', { a: 1 });
    expect(write).not.toHaveBeenCalled();
    write.mockRestore();
  });
});

describe('createLogger', () => {
  it('writes one JSON line per event with the bindings of its children, an inner binding replacing an outer one', () => {
    const lines: string[] = [];
    const logger = createLogger('test', 'info', { write: (line: string) => void lines.push(line) });
    logger.child({ component: 'processor', domain: 'd1' }).child({ component: 'federation' }).warn('link down', { peer: 'd2' });
    logger.debug('below the level');
    expect(lines).toHaveLength(1);
    expect(lines[0].match(/"component"/g)).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 40,
      name: 'test',
      component: 'federation',
      domain: 'd1',
      peer: 'd2',
      msg: 'link down',
    });
  });

  const collect = (): { lines: string[]; write: (line: string) => void } => {
    const lines: string[] = [];
    return { lines, write: (line: string) => void lines.push(line) };
  };

  it('pretty: one readable line an event, with the time, level, name, message and fields', () => {
    const out = collect();
    const logger = createLogger('meta-server', 'info', out, 'pretty');
    logger.child({ component: 'topology' }).warn('link down', { peer: 'd2' });
    logger.debug('below the level');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN \(meta-server\): link down \{"component":"topology","peer":"d2"\}\n$/);
  });

  it('auto writes JSON unless stdout is a terminal (a destination given is never one)', () => {
    const out = collect();
    createLogger('test', 'info', out, 'auto').info('started', { port: 1 });
    expect(JSON.parse(out.lines[0])).toMatchObject({ msg: 'started', port: 1 });
  });

  it.each(['json', 'pretty'] as const)('%s: never prints a secret field, at the top or one level down', (format) => {
    const out = collect();
    const logger = createLogger('test', 'info', out, format);
    logger.child({ internalToken: 'child-TOKEN' }).warn('auth', {
      token: 'top-TOKEN',
      apiKey: 'the-API-KEY',
      app: { jwtSecret: 'jwt-SECRET', name: 'anz' },
      request: { authorization: 'Bearer abc-SECRET' },
      linkSecret: 'link-SECRET',
      password: 'p4ss-SECRET',
    });
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).not.toMatch(/TOKEN|API-KEY|SECRET/);
    expect(out.lines[0]).toContain('anz');
    expect(out.lines[0].match(/\*\*\*/g)).toHaveLength(7);
  });

  it("never prints the services' credentials, by their settings' names or their clients'", () => {
    const out = collect();
    const logger = createLogger('test', 'info', out, 'json');
    logger.info('services', {
      config: { kafkaSaslPassword: 'kafka-SECRET', natsPassword: 'nats-SECRET', natsToken: 'token-SECRET', redisPassword: 'redis-SECRET' },
      nats: { user: 'linker', pass: 'pass-SECRET' },
      sasl: { mechanism: 'scram-sha-512', password: 'sasl-SECRET' },
    });
    expect(out.lines[0]).not.toMatch(/SECRET/);
    expect(JSON.parse(out.lines[0])).toMatchObject({ nats: { user: 'linker', pass: '***' }, sasl: '***' });
  });
});
