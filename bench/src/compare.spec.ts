import { compareWithCentrifugo, cpuPerMessage, maxRateRatio, ratio } from './compare';
import { renderMarkdown, stepsTable } from './report-md';
import { comparisonSection } from './report-compare';
import type { IdleResult, RunResult, ScenarioResult, SearchStep, StepResult } from './results';

const latency = (p50: number, p99: number) => ({ count: 1000, p50, p90: p50, p99, p999: p99, max: p99, mean: p50 });

/** A 10 s step at `rate` with every message delivered and `cpuSeconds` of CPU by process. */
function step(rate: number, p50: number, p99: number, cpuSeconds: Record<string, number>): StepResult {
  return {
    offeredRate: rate,
    durationS: 10,
    connections: 100,
    sentRate: rate,
    achievedRate: rate,
    delivery: { sent: rate * 12, received: rate * 12, lost: 0, duplicates: 0, reordered: 0, unexpected: 0 },
    latency: latency(p50, p99),
    service: latency(p50, p99),
    sendLag: latency(0.1, 0.2),
    hostCpuPercent: 100,
    processes: Object.entries(cpuSeconds).map(([name, seconds], pid) => ({
      name,
      pid,
      cpuPercent: seconds * 10,
      cpuSeconds: seconds,
      rssStartKiB: 1024,
      rssEndKiB: 1024,
      rssPeakKiB: 1024,
    })),
  };
}

const scenario = (name: string, mode: ScenarioResult['mode'], extra: Partial<ScenarioResult>): ScenarioResult => ({
  name,
  mode,
  description: name,
  startedAt: '2025-01-01T00:00:00Z',
  targets: [],
  notes: [],
  ...extra,
});

const search = (rate: number | undefined, atCeiling = false): ScenarioResult['maxRate'] => ({
  criterion: 'p99 ≤ 50 ms and nothing lost',
  rate,
  atCeiling,
  stepSeconds: 5,
  warmupSeconds: 2,
  steps: [{ ...step(rate ?? 1000, 1, 2, {}), passed: rate !== undefined, why: 'met' }],
});

const idle = (kib: number): IdleResult => ({
  connections: 1000,
  failed: 0,
  openSeconds: 1,
  serverName: 'x',
  serverRssBeforeKiB: 0,
  serverRssAfterKiB: kib * 1000,
  serverKiBPerConnection: kib,
  loadRssBeforeKiB: 0,
  loadRssAfterKiB: 0,
  loadKiBPerConnection: 0,
});

const scenarios: ScenarioResult[] = [
  scenario('embedded-fast', 'embedded', {
    steps: [step(1000, 0.6, 3, { embedded: 0.5, load: 0.3 }), step(5000, 0.9, 8, { embedded: 2 })],
    maxRate: search(12_000),
  }),
  scenario('centrifugo-memory', 'centrifugo', {
    steps: [step(1000, 0.3, 1, { centrifugo: 0.2, load: 0.3 }), step(10_000, 0.5, 2, { centrifugo: 1.5 })],
    maxRate: search(64_000, true),
  }),
  scenario('real-fast', 'real', { steps: [step(1000, 2, 9, { connector: 0.4, processor: 0.3, nats: 0.1 })] }),
  scenario('quiet-real', 'real', { steps: [step(10, 5, 9, { connector: 0.4, kafka: 0.6, load: 0.2 })] }),
  scenario('quiet-centrifugo-redis', 'centrifugo', { steps: [step(10, 0.5, 1, { centrifugo: 0.1, redis: 0.02 })] }),
  scenario('idle-connections-embedded', 'embedded', { idle: idle(6) }),
  scenario('idle-connections-centrifugo', 'centrifugo', { idle: idle(4) }),
];

describe('comparison with Centrifugo', () => {
  const comparison = compareWithCentrifugo(scenarios);

  it('takes CPU µs per delivered message of every process but the load generator, and their total', () => {
    expect(cpuPerMessage(step(1000, 1, 2, { connector: 0.4, processor: 0.3, load: 1 }))).toEqual({
      cpuUsPerMessage: { connector: 40, processor: 30 },
      cpuUsPerMessageTotal: 70,
    });
    expect([ratio(3, 2), ratio(1, 0), ratio(undefined, 2)]).toEqual([1.5, undefined, undefined]);
  });

  it('makes the max-rate ratio a bound when a side met the criterion at the ceiling, and unknown when both did', () => {
    const side = (rate: number, atCeiling = false) => ({ rate, atCeiling });
    expect(maxRateRatio(side(8000), side(16_000))).toEqual({ maxRateRatio: 0.5, maxRateRatioIs: 'exact' });
    expect(maxRateRatio(side(64_000, true), side(16_000))).toEqual({ maxRateRatio: 4, maxRateRatioIs: 'at least' });
    expect(maxRateRatio(side(64_000, true), side(64_000, true))).toEqual({ maxRateRatio: undefined, maxRateRatioIs: 'exact' });
    expect(maxRateRatio(undefined, side(64_000, true))).toEqual({ maxRateRatio: undefined, maxRateRatioIs: 'at most' });
  });

  it('compares each pair at the rates both ran at, with the max rates and their ratio', () => {
    const [embeddedFast, embeddedReliable, realFast] = comparison.load;
    expect(embeddedFast).toEqual({
      linker: 'embedded-fast',
      centrifugo: 'centrifugo-memory',
      linkerMaxRate: { rate: 12_000, atCeiling: false },
      centrifugoMaxRate: { rate: 64_000, atCeiling: true },
      maxRateRatio: 0.188,
      maxRateRatioIs: 'at most',
      atRates: [
        {
          rate: 1000,
          p50Ratio: 2,
          p99Ratio: 3,
          cpuRatio: 2.5,
          linker: { p50Ms: 0.6, p99Ms: 3, cpuUsPerMessage: { embedded: 50 }, cpuUsPerMessageTotal: 50 },
          centrifugo: { p50Ms: 0.3, p99Ms: 1, cpuUsPerMessage: { centrifugo: 20 }, cpuUsPerMessageTotal: 20 },
        },
      ],
    });
    expect(embeddedReliable).toMatchObject({ linkerMaxRate: undefined, maxRateRatio: undefined, atRates: [] });
    expect(realFast).toMatchObject({ centrifugo: 'centrifugo-redis', centrifugoMaxRate: undefined, atRates: [] });
    expect(comparison.idle).toEqual([
      {
        linker: 'idle-connections-embedded',
        centrifugo: 'idle-connections-centrifugo',
        linkerKiBPerConnection: 6,
        centrifugoKiBPerConnection: 4,
        ratio: 1.5,
      },
      {
        linker: 'idle-connections-real',
        centrifugo: 'idle-connections-centrifugo',
        linkerKiBPerConnection: undefined,
        centrifugoKiBPerConnection: 4,
        ratio: undefined,
      },
    ]);
  });

  it('compares the quiet load by CPU % of a core of the whole deployment, the load generator left out', () => {
    expect(comparison.quiet).toEqual([
      {
        linker: 'quiet-real',
        centrifugo: 'quiet-centrifugo-redis',
        rate: 10,
        linkerCpuPercent: { connector: 4, kafka: 6 },
        centrifugoCpuPercent: { centrifugo: 1, redis: 0.2 },
        linkerTotal: 10,
        centrifugoTotal: 1.2,
        ratio: 8.333,
      },
    ]);
    expect(comparisonSection(comparison).split('\n')).toContain(
      '| quiet-real | quiet-centrifugo-redis | 10 | connector 4, kafka 6 = **10** | centrifugo 1, redis 0.2 = **1.2** | 8.33× |',
    );
  });

  it('tables every pair in the report, "not measured" where a side did not run', () => {
    const lines = comparisonSection(comparison).split('\n');
    expect(lines[0]).toBe('## Compared with Centrifugo');
    expect(lines).toContain('| embedded-fast | centrifugo-memory | 12000 | ≥ 64000 (the ceiling) | ≤ 0.19× |');
    expect(lines).toContain('| real-fast | centrifugo-redis | not measured | not measured | – |');
    expect(lines).toContain(
      '| embedded-fast | centrifugo-memory | 1000 | 0.6 / 0.3 | 2× | 3 / 1 | 3× | embedded 50 = **50** | centrifugo 20 = **20** | 2.5× |',
    );
    expect(lines).toContain('| embedded-reliable | centrifugo-memory | not measured | – | – | – | – | – | – | – |');
    expect(lines).toContain('| idle-connections-embedded | idle-connections-centrifugo | 6 | 4 | 1.5× |');
    expect(lines).toContain('| idle-connections-real | idle-connections-centrifugo | not measured | 4 | – |');
  });

  it('is in results.md when the run has it', () => {
    const run: RunResult = {
      startedAt: '2025-01-01T00:00:00Z',
      finishedAt: '',
      host: { cpus: 2, node: 'v20', platform: 'linux', loadAverageAtStart: [0] },
      build: { commit: 'abc', dirty: false, distDir: 'dist' },
      options: {},
      scenarios,
      comparison,
    };
    const markdown = renderMarkdown(run);
    expect(markdown).toContain('## Compared with Centrifugo');
    expect(markdown).toContain('Max sustainable rate (p99 ≤ 50 ms and nothing lost): **12000 msg/s**.');
    expect(renderMarkdown({ ...run, comparison: undefined })).not.toContain('## Compared with Centrifugo');
  });
});

describe('step tables', () => {
  it('show the loop delay and GC pauses of each probed process, and a search verdict when given', () => {
    const probed: StepResult = {
      ...step(1000, 1, 2, { embedded: 1 }),
      loop: [
        {
          name: 'embedded',
          seconds: 10,
          delayP50Ms: 0.123,
          delayP99Ms: 4.56,
          delayMaxMs: 12.34,
          gc: { count: 7, totalMs: 9.87, maxMs: 3.21 },
          gcByKind: {},
        },
      ],
    };
    const lines = stepsTable([probed]).split('\n');
    expect(lines[0]).toMatch(/\| RSS MiB embedded \| loop delay p50\/p99\/max ms embedded \| GC pauses n\/total\/max ms embedded \|$/);
    expect(lines[2]).toMatch(/\| 1 \| 0\.12 \/ 4\.6 \/ 12\.3 \| 7 \/ 9\.9 \/ 3\.2 \|$/);
    const searched: SearchStep = { ...probed, passed: false, why: 'p99 80 ms > 50' };
    expect(stepsTable([searched], ['failed: p99 80 ms > 50']).split('\n')[2]).toMatch(/^\| failed: p99 80 ms > 50 \| 1000 \|/);
  });
});
