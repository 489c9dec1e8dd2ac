import { origin, summarizeProfile, type CpuProfile } from './cpu-profile';

describe('CPU profile summary', () => {
  it('names where code lives', () => {
    expect(origin('file:///r/node_modules/kafkajs/src/x.js', 'f')).toBe('kafkajs');
    expect(origin('/r/node_modules/@nestjs/core/y.js', 'f')).toBe('@nestjs/core');
    expect(origin('/r/dist/apps/connector/src/socket/ws-server.js', 'f')).toBe('apps/connector');
    expect(origin('node:internal/streams', 'f')).toBe('node internals');
    expect(origin('', '(garbage collector)')).toBe('(garbage collector)');
    expect(origin('', 'writev')).toBe('(native)');
  });

  it('ranks self time by function and by origin', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile: CpuProfile = {
      startTime: 0,
      endTime: 1,
      nodes: [
        { id: 1, hitCount: 0, callFrame: frame('(root)', '') },
        { id: 5, hitCount: 10, callFrame: frame('(idle)', '') },
        { id: 2, hitCount: 6, callFrame: frame('parse', '/r/node_modules/kafkajs/a.js') },
        { id: 3, hitCount: 2, callFrame: frame('encode', '/r/node_modules/kafkajs/b.js') },
        { id: 4, hitCount: 2, callFrame: frame('(garbage collector)', '') },
      ],
    };
    const summary = summarizeProfile(profile, 2);
    expect(summary.idlePercent).toBe(50);
    expect(summary.origins).toEqual([
      { name: 'kafkajs', percent: 80 },
      { name: '(garbage collector)', percent: 20 },
    ]);
    expect(summary.functions).toEqual([
      { name: 'parse node_modules/kafkajs/a.js:10', percent: 60 },
      { name: 'encode node_modules/kafkajs/b.js:10', percent: 20 },
    ]);
  });
});
