import type { LoopStats } from './loop-stats';
import { fmt, table } from './markdown';
import { overdueText } from './processes';
import type { ProcessUsage } from './proc-stats';
import { comparisonSection } from './report-compare';
import type { ChannelResult, IdleResult, MailboxResult, MaxRateResult, RunResult, ScenarioResult, StepResult, Target } from './results';
import type { LatencySummary } from './histogram';

export { fmt } from './markdown';

const mib = (kib: number): string => fmt(kib / 1024, 1);

/** Names of the processes measured in a scenario, in the order first seen. */
function processNames(steps: StepResult[]): string[] {
  const names: string[] = [];
  for (const step of steps) for (const { name } of step.processes) if (!names.includes(name)) names.push(name);
  return names;
}

function cpuCell(usage: ProcessUsage | undefined, messages: number): string {
  if (!usage) return '–';
  const perMessage = messages > 0 ? ` (${fmt((usage.cpuSeconds * 1e6) / messages, 0)} µs/msg)` : '';
  return `${fmt(usage.cpuPercent, 0)}${perMessage}`;
}

/** Names of the processes with loop-probe figures in some step, in the order first seen. */
function probedNames(steps: StepResult[]): string[] {
  const names: string[] = [];
  for (const step of steps) for (const { name } of step.loop ?? []) if (!names.includes(name)) names.push(name);
  return names;
}

/** Event-loop delay `p50 / p99 / max` and GC pauses `count / total / max` of one process, ms. */
function loopCells(stats: LoopStats | undefined): [string, string] {
  if (!stats) return ['–', '–'];
  return [
    `${fmt(stats.delayP50Ms, 2)} / ${fmt(stats.delayP99Ms, 1)} / ${fmt(stats.delayMaxMs, 1)}`,
    `${stats.gc.count} / ${fmt(stats.gc.totalMs, 1)} / ${fmt(stats.gc.maxMs, 1)}`,
  ];
}

function stepRow(step: StepResult, names: string[], probed: string[]): string[] {
  const messages = step.achievedRate * step.durationS;
  const usage = (name: string): ProcessUsage | undefined => step.processes.find((p) => p.name === name);
  const loops = probed.map((name) => loopCells(step.loop?.find((l) => l.name === name)));
  return [
    fmt(step.offeredRate),
    fmt(step.sentRate, 0),
    fmt(step.achievedRate, 0),
    fmt(step.latency.p50, 3),
    fmt(step.latency.p90, 3),
    fmt(step.latency.p99, 3),
    fmt(step.latency.p999, 3),
    fmt(step.latency.max, 1),
    `${fmt(step.service.p50, 3)} / ${fmt(step.service.p99, 3)}`,
    fmt(step.delivery.lost),
    fmt(step.delivery.duplicates),
    fmt(step.delivery.reordered),
    ...names.map((name) => cpuCell(usage(name), messages)),
    fmt(Math.max(0, step.hostCpuPercent - step.processes.reduce((sum, p) => sum + p.cpuPercent, 0)), 0),
    ...names.map((name) => {
      const u = usage(name);
      return u ? mib(u.rssPeakKiB) : '–';
    }),
    ...loops.map(([delay]) => delay),
    ...loops.map(([, gc]) => gc),
  ];
}

/** One row per rate step; `verdicts` (a max-rate search) adds a first column. */
export function stepsTable(steps: StepResult[], verdicts?: string[]): string {
  const names = processNames(steps);
  const probed = probedNames(steps);
  const header = [
    'offered msg/s',
    'sent msg/s',
    'achieved msg/s',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'p99.9 ms',
    'max ms',
    'service p50/p99 ms',
    'lost',
    'dup',
    'reordered',
    ...names.map((name) => `CPU % ${name}`),
    'CPU % others',
    ...names.map((name) => `RSS MiB ${name}`),
    ...probed.map((name) => `loop delay p50/p99/max ms ${name}`),
    ...probed.map((name) => `GC pauses n/total/max ms ${name}`),
  ];
  const rows = steps.map((step) => stepRow(step, names, probed));
  return verdicts
    ? table(
        ['verdict', ...header],
        rows.map((row, i) => [verdicts[i] ?? '–', ...row]),
      )
    : table(header, rows);
}

/** The max-rate search of a scenario: the rate found and every step tried, in order. */
function maxRateSection(search: MaxRateResult): string {
  const found =
    search.rate === undefined
      ? 'no step met it'
      : `**${fmt(search.rate)} msg/s**${search.atCeiling ? ' (the ceiling: the limit is higher)' : ''}`;
  return [
    `Max sustainable rate (${search.criterion}): ${found}. Steps tried, in order (${search.warmupSeconds} s warm-up + ${search.stepSeconds} s each):`,
    '',
    stepsTable(
      search.steps,
      search.steps.map((s) => (s.passed ? 'met' : `failed: ${s.why}`)),
    ),
  ].join('\n');
}

function idleTable(idle: IdleResult): string {
  return table(
    [
      'connections',
      'failed',
      'open s',
      `RSS MiB ${idle.serverName} before → after`,
      'KiB per connection (server)',
      'KiB per connection (load process)',
    ],
    [
      [
        fmt(idle.connections),
        fmt(idle.failed),
        fmt(idle.openSeconds, 1),
        `${mib(idle.serverRssBeforeKiB)} → ${mib(idle.serverRssAfterKiB)}`,
        fmt(idle.serverKiBPerConnection, 2),
        fmt(idle.loadKiBPerConnection, 2),
      ],
    ],
  );
}

function mailboxTable(mailbox: MailboxResult): string {
  const cpu = mailbox.processes.map((p) => `${p.name} ${fmt(p.cpuSeconds, 2)} s`).join(', ') || '–';
  const batches = mailbox.batchLog.map((b) => `${b.received}→${b.leftMissingCount} @${b.atMs}`).join(', ');
  return table(
    [
      'stored',
      'store s',
      'fetched',
      'dup',
      'FETCH count',
      'fetch ms',
      'msg/s',
      'CPU during fetch',
      'each FETCH: received→leftMissingCount @ms',
    ],
    [
      [
        fmt(mailbox.stored),
        fmt(mailbox.storeSeconds, 1),
        fmt(mailbox.fetched),
        fmt(mailbox.duplicates),
        fmt(mailbox.batchSize),
        fmt(mailbox.fetchMs, 1),
        fmt(mailbox.messagesPerSecond, 0),
        cpu,
        batches || '–',
      ],
    ],
  );
}

/** A channel scenario: what was published and delivered, latencies, CPU per delivery and event-loop delay per process. */
function channelTable(result: ChannelResult): string {
  const latency = (l: LatencySummary | undefined): string => (l ? `${fmt(l.p50, 2)} / ${fmt(l.p99, 2)} / ${fmt(l.max, 1)}` : '–');
  const summary = table(
    [
      'lane',
      's',
      'published/s',
      'deliveries/s',
      'published',
      'expected',
      'delivered',
      'lost',
      'dup',
      'p50/p99/max ms',
      'last subscriber p50/p99/max ms',
    ],
    [
      [
        result.lane,
        fmt(result.seconds, 1),
        fmt(result.publishedPerSecond, 0),
        fmt(result.deliveriesPerSecond, 0),
        fmt(result.published),
        fmt(result.expected),
        fmt(result.delivered),
        fmt(result.lost),
        fmt(result.duplicates),
        latency(result.latency),
        latency(result.lastSubscriber),
      ],
    ],
  );
  const perProcess = table(
    ['process', 'CPU %', 'CPU µs per delivery', 'loop delay p50/p99/max ms'],
    result.processes.map((p) => {
      const loop = result.loop?.find((l) => l.name === p.name);
      return [
        p.name,
        fmt(p.cpuPercent, 1),
        fmt(result.delivered > 0 ? (p.cpuSeconds * 1e6) / result.delivered : undefined, 1),
        loop ? `${fmt(loop.delayP50Ms, 2)} / ${fmt(loop.delayP99Ms, 2)} / ${fmt(loop.delayMaxMs, 1)}` : '–',
      ];
    }),
  );
  return [result.setup, '', summary, '', perProcess].join('\n');
}

export function targetLine(t: Target): string {
  const verdict = t.measured === undefined ? 'not measured' : t.met ? 'met' : '**missed**';
  return `- ${t.label}: ${fmt(t.measured, 3)} ${t.unit} (target ≤ ${fmt(t.limit)} ${t.unit}): ${verdict}`;
}

function scenarioSection(scenario: ScenarioResult): string {
  const parts = [`## ${scenario.name}`, '', scenario.description, ''];
  if (scenario.error) parts.push(`**Failed:** ${scenario.error}`, '');
  if (scenario.steps?.length) parts.push(stepsTable(scenario.steps), '');
  if (scenario.maxRate) parts.push(maxRateSection(scenario.maxRate), '');
  if (scenario.idle) parts.push(idleTable(scenario.idle), '');
  if (scenario.mailbox) parts.push(mailboxTable(scenario.mailbox), '');
  if (scenario.channels) parts.push(channelTable(scenario.channels), '');
  if (scenario.targets.length) parts.push('Targets:', '', ...scenario.targets.map(targetLine), '');
  if (scenario.notes.length)
    parts.push(
      scenario.notes
        .map((note) =>
          note
            .split('\n')
            .map((line) => `> ${line}`.trimEnd())
            .join('\n'),
        )
        .join('\n>\n'),
      '',
    );
  return parts.join('\n');
}

function summaryTable(run: RunResult): string {
  const rows = run.scenarios.flatMap((s) =>
    s.targets.length === 0
      ? [[s.name, s.error ? 'failed' : '–', '–', s.error ? 'failed' : '–']]
      : s.targets.map((t) => [
          s.name,
          t.label,
          `${fmt(t.measured, 3)} ${t.unit} (≤ ${fmt(t.limit)})`,
          t.met ? 'met' : t.measured === undefined ? 'not measured' : '**missed**',
        ]),
  );
  return table(['scenario', 'target', 'measured', 'verdict'], rows);
}

/** The whole report: header, summary of targets, one section per scenario. */
export function renderMarkdown(run: RunResult): string {
  const options = Object.entries(run.options)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(', ');
  return [
    `# linker-ts benchmark, ${run.startedAt}`,
    '',
    `Host: ${run.host.cpus} CPUs, Node ${run.host.node}, ${run.host.platform}, load average at start ${run.host.loadAverageAtStart.join(' ')}; load generator on the same host.`,
    `Build: ${run.build.distDir} of commit ${run.build.commit}${run.build.dirty ? ' (working tree had changes)' : ''}. Options: ${options}.`,
    'Latency is receive time − intended send time (open loop); "service" is receive time − actual send time.',
    'CPU % is of one core; µs/msg is that process\'s CPU time per message delivered; "others" is the rest of the machine (other',
    'work on the host disturbs the figures: read them with it). Loop delay and GC pauses (ms) of each Node server process come',
    'from a probe preloaded into it (`bench/src/loop-probe.cjs`), over the same window.',
    '',
    ...overdueLines(run),
    summaryTable(run),
    '',
    '![latency against offered load](latency.svg)',
    '',
    ...(run.comparison ? [comparisonSection(run.comparison)] : []),
    ...run.scenarios.map(scenarioSection),
  ].join('\n');
}

/** The processes that did not stop in time, first thing after the header (an error of their scenario). */
function overdueLines(run: RunResult): string[] {
  const late = run.scenarios.flatMap((s) => (s.overdueStops ?? []).map((stop) => `- ${s.name}: ${overdueText(stop)}`));
  return late.length === 0
    ? []
    : ['**Processes that did not stop in time after SIGTERM** (killed so the run could go on):', '', ...late, ''];
}
