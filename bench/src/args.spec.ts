import { connectionsFor, parseBenchArgs } from './args';

describe('bench arguments', () => {
  it('has defaults for everything', () => {
    expect(parseBenchArgs([])).toEqual({
      scenarios: [],
      durationS: 10,
      warmupS: 2,
      rates: undefined,
      connections: 100,
      socketRate: 40,
      client: 'sdk',
      ack: false,
      idleCount: 10_000,
      mailboxCount: 10_000,
      fetchBatch: 2000,
      payloadBytes: 1024,
      outDir: 'bench/results',
      distDir: 'dist',
      cpuProf: false,
      maxRate: false,
      maxRateDurationS: 5,
      maxRateCeiling: 64_000,
      help: false,
    });
  });

  it('takes repeated and comma-separated scenarios, rates and numbers', () => {
    const options = parseBenchArgs([
      '--scenario',
      'embedded-fast,real-fast',
      '--scenario',
      'idle-connections',
      '--rates',
      '1000, 2000',
      '--duration',
      '3',
      '--warmup',
      '0',
      '--client',
      'raw',
    ]);
    expect(options).toMatchObject({
      scenarios: ['embedded-fast', 'real-fast', 'idle-connections'],
      rates: [1000, 2000],
      durationS: 3,
      warmupS: 0,
      client: 'raw',
    });
    expect(parseBenchArgs(['--ack'])).toMatchObject({ client: 'sdk', ack: true });
  });

  it('lists every bad value at once', () => {
    expect(() => parseBenchArgs(['--duration', '0', '--rates', '10,x', '--client', 'java'])).toThrow(
      /--client must be sdk or raw, got "java"\n--duration must be a positive number, got "0"\n--rates must be positive integers separated by commas, got "10,x"\nUsage/,
    );
    expect(() => parseBenchArgs(['--colour'])).toThrow(/Unknown option/);
    expect(() => parseBenchArgs(['--ack', '--client', 'raw'])).toThrow(/--ack needs --client sdk/);
  });

  it('opens enough connections to keep each socket under its rate, in pairs', () => {
    expect(connectionsFor({ connections: 100, socketRate: 40 }, [1000, 2000])).toBe(100);
    expect(connectionsFor({ connections: 100, socketRate: 40 }, [1000, 10_000])).toBe(250);
    expect(connectionsFor({ connections: 3, socketRate: 40 }, [10])).toBe(4);
  });
});
