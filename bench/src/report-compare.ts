import type { AtRate, Comparison, LoadComparison, MaxRateSide, SideAtRate } from './results';
import { fmt, table } from './markdown';
import { CRITERION } from './max-rate';

/** The section "Compared with Centrifugo" of results.md. */

const NOT_MEASURED = 'not measured';

function maxRateCell(side: MaxRateSide | undefined): string {
  if (!side) return NOT_MEASURED;
  if (side.rate === undefined) return 'none met the criterion';
  return side.atCeiling ? `≥ ${fmt(side.rate)} (the ceiling)` : fmt(side.rate);
}

const ratioCell = (value: number | undefined): string => (value === undefined ? '–' : `${fmt(value, 2)}×`);

function maxRateRatioCell(c: LoadComparison): string {
  if (c.linkerMaxRate?.atCeiling && c.centrifugoMaxRate?.atCeiling) return '– (both at the ceiling: raise `--max-rate-ceiling`)';
  const bound = { exact: '', 'at most': '≤ ', 'at least': '≥ ' }[c.maxRateRatioIs];
  return c.maxRateRatio === undefined ? '–' : `${bound}${ratioCell(c.maxRateRatio)}`;
}

function maxRateTable(load: LoadComparison[]): string {
  return table(
    ['linker-ts', 'Centrifugo', 'linker-ts max msg/s', 'Centrifugo max msg/s', 'ratio'],
    load.map((c) => [c.linker, c.centrifugo, maxRateCell(c.linkerMaxRate), maxRateCell(c.centrifugoMaxRate), maxRateRatioCell(c)]),
  );
}

/** `connector 41.2, processor 30.1, kafka 5 = 76.3`: µs per delivered message of each process, then the total. */
function cpuCell(side: SideAtRate): string {
  const parts = Object.entries(side.cpuUsPerMessage).map(([name, us]) => `${name} ${fmt(us, 1)}`);
  return `${parts.join(', ')} = **${fmt(side.cpuUsPerMessageTotal, 1)}**`;
}

function rateRow(c: LoadComparison, at: AtRate): string[] {
  return [
    c.linker,
    c.centrifugo,
    fmt(at.rate),
    `${fmt(at.linker.p50Ms, 3)} / ${fmt(at.centrifugo.p50Ms, 3)}`,
    ratioCell(at.p50Ratio),
    `${fmt(at.linker.p99Ms, 3)} / ${fmt(at.centrifugo.p99Ms, 3)}`,
    ratioCell(at.p99Ratio),
    cpuCell(at.linker),
    cpuCell(at.centrifugo),
    ratioCell(at.cpuRatio),
  ];
}

function atRatesTable(load: LoadComparison[]): string {
  const header = [
    'linker-ts',
    'Centrifugo',
    'offered msg/s',
    'p50 ms linker-ts / Centrifugo',
    'p50 ratio',
    'p99 ms linker-ts / Centrifugo',
    'p99 ratio',
    'CPU µs/msg linker-ts',
    'CPU µs/msg Centrifugo',
    'CPU ratio',
  ];
  const rows = load.flatMap((c) =>
    c.atRates.length > 0
      ? c.atRates.map((at) => rateRow(c, at))
      : [[c.linker, c.centrifugo, NOT_MEASURED, ...header.slice(3).map(() => '–')]],
  );
  return table(header, rows);
}

function quietTable(comparison: Comparison): string {
  const cell = (percent: Record<string, number> | undefined, total: number | undefined): string =>
    percent === undefined
      ? NOT_MEASURED
      : `${Object.entries(percent)
          .map(([name, p]) => `${name} ${fmt(p, 1)}`)
          .join(', ')} = **${fmt(total ?? 0, 1)}**`;
  return table(
    ['linker-ts', 'Centrifugo', 'offered msg/s', 'CPU % of a core, linker-ts', 'CPU % of a core, Centrifugo', 'ratio'],
    comparison.quiet.map((c) => [
      c.linker,
      c.centrifugo,
      c.rate === undefined ? NOT_MEASURED : fmt(c.rate),
      cell(c.linkerCpuPercent, c.linkerTotal),
      cell(c.centrifugoCpuPercent, c.centrifugoTotal),
      ratioCell(c.ratio),
    ]),
  );
}

function idleTable(comparison: Comparison): string {
  const cell = (value: number | undefined): string => (value === undefined ? NOT_MEASURED : fmt(value, 2));
  return table(
    ['linker-ts', 'Centrifugo', 'linker-ts KiB per connection', 'Centrifugo KiB per connection', 'ratio'],
    comparison.idle.map((c) => [
      c.linker,
      c.centrifugo,
      cell(c.linkerKiBPerConnection),
      cell(c.centrifugoKiBPerConnection),
      ratioCell(c.ratio),
    ]),
  );
}

export function comparisonSection(comparison: Comparison): string {
  return [
    '## Compared with Centrifugo',
    '',
    'Every ratio is linker-ts ÷ Centrifugo: below 1 for the max rate, or above 1 for latency, CPU and memory, means linker-ts does worse. ' +
      `Max sustainable rate (\`--max-rate\`): the highest offered rate with ${CRITERION}. CPU per delivered message: µs of CPU of each ` +
      'process of the deployment (servers, and in real mode or with the Redis engine the services too; the load generator left out) per ' +
      'message delivered in the measured window, and their total. "not measured": that side did not run in this run.',
    '',
    maxRateTable(comparison.load),
    '',
    atRatesTable(comparison.load),
    '',
    'Almost idle (the quiet load: many connections, few messages): CPU of each process of the deployment, % of one core.',
    '',
    quietTable(comparison),
    '',
    idleTable(comparison),
    '',
  ].join('\n');
}
