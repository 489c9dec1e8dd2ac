import { fmt, renderMarkdown, stepsTable, targetLine } from './report-md';
import { decadeTicks, latencySeries, niceTicks, renderLatencySvg } from './report-svg';
import { latencyTargets, perHopTable, perHopTargets, target, type RunResult, type ScenarioResult, type StepResult } from './results';

const summary = (p50: number, p99: number) => ({ count: 1000, p50, p90: p50 * 2, p99, p999: p99 * 2, max: p99 * 3, mean: p50 });

function step(offeredRate: number, p50: number, p99: number): StepResult {
  return {
    offeredRate,
    durationS: 10,
    connections: 100,
    sentRate: offeredRate,
    achievedRate: offeredRate,
    delivery: { sent: offeredRate * 12, received: offeredRate * 12, lost: 0, duplicates: 0, reordered: 0, unexpected: 0 },
    latency: summary(p50, p99),
    service: summary(p50 / 2, p99 / 2),
    sendLag: summary(0.1, 0.5),
    processes: [{ name: 'embedded', pid: 7, cpuPercent: 40, cpuSeconds: 4, rssStartKiB: 102_400, rssEndKiB: 112_640, rssPeakKiB: 112_640 }],
    hostCpuPercent: 55,
  };
}

const fast: ScenarioResult = {
  name: 'embedded-fast',
  mode: 'embedded',
  description: 'FAST one-to-one.',
  startedAt: '2025-01-01T00:00:00Z',
  steps: [step(1000, 0.5, 2), step(5000, 0.8, 6)],
  targets: [],
  notes: ['a note'],
};
fast.targets = latencyTargets(fast.steps, 5000, 1, 5);

const run: RunResult = {
  startedAt: '2025-01-01T00:00:00Z',
  finishedAt: '2025-01-01T00:01:00Z',
  host: { cpus: 2, node: 'v20.20.0', platform: 'linux', loadAverageAtStart: [0.5, 0.4, 0.3] },
  build: { commit: 'abc1234', dirty: false, distDir: 'dist' },
  options: { duration: 10 },
  scenarios: [fast],
};

describe('targets', () => {
  it('compare the step at the target rate with its limits', () => {
    expect(fast.targets).toEqual([
      { label: 'p50 at 5000 msg/s', measured: 0.8, limit: 1, unit: 'ms', met: true },
      { label: 'p99 at 5000 msg/s', measured: 6, limit: 5, unit: 'ms', met: false },
    ]);
    expect(latencyTargets(fast.steps, 2000, 4, 15).map((t) => t.met)).toEqual([false, false]);
    expect(target('KiB per connection', 4.2, 5, 'KiB').met).toBe(true);
  });
});

describe('added latency per hop', () => {
  const twoHops = [step(1000, 2.5, 8), step(5000, 4.8, 26), step(7000, 9, 40)];

  it('is the p50 difference with the reference at each common rate, divided by the hops', () => {
    expect(perHopTargets(twoHops, fast, 'embedded-fast', 2, 1)).toEqual([
      { label: 'added p50 per hop at 1000 msg/s (2.5 vs embedded-fast 0.5 ms, 2 hops)', measured: 1, limit: 1, unit: 'ms', met: true },
      { label: 'added p50 per hop at 5000 msg/s (4.8 vs embedded-fast 0.8 ms, 2 hops)', measured: 2, limit: 1, unit: 'ms', met: false },
    ]);
  });

  it('is not measured without the reference in the same run', () => {
    expect(perHopTargets(twoHops, undefined, 'embedded-fast', 1, 1)).toEqual([
      {
        label: 'added p50 per hop (needs embedded-fast at the same rates in the same run)',
        measured: undefined,
        limit: 1,
        unit: 'ms',
        met: false,
      },
    ]);
    expect(perHopTable(twoHops, undefined, 'embedded-fast', 1)).toBeUndefined();
  });

  it('is tabled with the p99 for the notes', () => {
    const lines = perHopTable(twoHops, fast, 'embedded-fast', 2)!.split('\n');
    expect(lines.slice(2)).toEqual([
      '| offered msg/s | p50 here | p50 embedded-fast | added p50 per hop | p99 here | p99 embedded-fast | added p99 per hop |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| 1000 | 2.5 | 0.5 | 1 | 8 | 2 | 3 |',
      '| 5000 | 4.8 | 0.8 | 2 | 26 | 6 | 10 |',
    ]);
  });
});

describe('Markdown report', () => {
  it('formats numbers for tables', () => {
    expect([fmt(3), fmt(0.12345, 3), fmt(undefined), fmt(Number.NaN), fmt(2.5, 0)]).toEqual(['3', '0.123', '–', '–', '3']);
  });

  it('has one row per rate step with latencies, losses and CPU per process', () => {
    const lines = stepsTable(fast.steps!).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      '| offered msg/s | sent msg/s | achieved msg/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | service p50/p99 ms | lost | dup | reordered | CPU % embedded | CPU % others | RSS MiB embedded |',
    );
    expect(lines[1]).toMatch(/^\| --- (\| --- )+\|$/);
    expect(lines[2]).toBe('| 1000 | 1000 | 1000 | 0.5 | 1 | 2 | 4 | 6 | 0.25 / 1 | 0 | 0 | 0 | 40 (400 µs/msg) | 15 | 110 |');
  });

  it('says which targets were met and missed', () => {
    expect(targetLine(fast.targets[0]!)).toBe('- p50 at 5000 msg/s: 0.8 ms (target ≤ 1 ms): met');
    expect(targetLine(fast.targets[1]!)).toBe('- p99 at 5000 msg/s: 6 ms (target ≤ 5 ms): **missed**');
    const markdown = renderMarkdown(run);
    expect(markdown).toContain('| embedded-fast | p99 at 5000 msg/s | 6 ms (≤ 5) | **missed** |');
    expect(markdown).toContain('## embedded-fast');
    expect(markdown).toContain('> a note');
    expect(markdown).toContain('![latency against offered load](latency.svg)');
  });

  it('shows a failed scenario with its error', () => {
    const failed: ScenarioResult = { ...fast, name: 'real-fast', steps: [], targets: [], error: 'services are not up' };
    expect(renderMarkdown({ ...run, scenarios: [failed] })).toContain('**Failed:** services are not up');
  });
});

describe('SVG chart', () => {
  it('picks round axis ticks', () => {
    expect(niceTicks(5000)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(niceTicks(7000)).toEqual([0, 2000, 4000, 6000, 8000]);
    expect(decadeTicks(6)).toEqual([0.1, 1, 10]);
    expect(decadeTicks(0.05)).toEqual([0.1, 1]);
  });

  it('draws a solid p50 and a dashed p99 line per scenario, with a legend', () => {
    const series = latencySeries([fast, { ...fast, name: 'idle', steps: undefined }]);
    expect(series.map((s) => [s.label, s.dashed, s.points])).toEqual([
      [
        'embedded-fast p50',
        false,
        [
          { x: 1000, y: 0.5 },
          { x: 5000, y: 0.8 },
        ],
      ],
      [
        'embedded-fast p99',
        true,
        [
          { x: 1000, y: 2 },
          { x: 5000, y: 6 },
        ],
      ],
    ]);
    const svg = renderLatencySvg(series);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline class="series"/g)).toHaveLength(2);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2); // the p99 line and its legend swatch
    expect(svg).toContain('>embedded-fast p99</text>');
    expect(svg).toContain('offered load (msg/s)');
    // x: 1000 of 0…5000 over the 520-px plot from x=70 → 174; y: 0.5 ms on a 0.1…10 log axis, 405 px tall from y=445:
    // 445 − 405 × (log10(0.5) + 1) / 2 = 303.5
    expect(svg).toContain('points="174.0,303.5 590.0,262.1"');
  });

  it('says so when there is nothing to plot', () => {
    expect(renderLatencySvg([])).toContain('no rate steps measured');
  });
});
