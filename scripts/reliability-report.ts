/**
 * The reliability report: one row per fault case, from the results the battery writes
 * (`test-output/reliability/*.json`, see libs/testing/src/faults/fault-case.ts). `npm test` writes it to
 * `test-output/reliability.md`; `npm run chaos` (the long variants) to `docs/reliability.md`.
 * Usage: tsx scripts/reliability-report.ts [--out FILE]
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABUSE_OUTPUT, RELIABILITY_OUTPUT, type AbuseCaseResult, type FaultCaseResult, type LaneCounts } from '@linker/testing';

function reliable(counts: LaneCounts): string {
  const refusals = Object.entries(counts.refusals)
    .map(([code, n]) => `${n} ${code}`)
    .join(', ');
  return `${counts.sent} / ${counts.accepted} / ${counts.refused}${refusals ? ` (${refusals})` : ''} / ${counts.delivered} / ${counts.lost} / ${counts.duplicatesShown}`;
}

function verdict(violations: readonly string[]): string {
  return violations.length === 0 ? 'kept' : `**broken**: ${violations.join('; ')}`;
}

function closes(disconnects: Record<string, number> | undefined): string {
  return (
    Object.entries(disconnects ?? {})
      .map(([code, n]) => `${n} × ${code}`)
      .join(', ') || 'none'
  );
}

export function reliabilityReport(results: readonly FaultCaseResult[], abuses: readonly AbuseCaseResult[], when: Date): string {
  const rows = results.map((r) => {
    const fast = `${r.report.FAST.sent} / ${r.report.FAST.delivered} / ${r.report.FAST.lost}`;
    return `| ${r.name} | ${r.injected} | ${reliable(r.report.RELIABLE)} | ${fast} | ${r.recoveryMs < 0 ? 'none' : `${(r.recoveryMs / 1000).toFixed(1)} s`} | ${closes(r.disconnects)} | ${verdict(r.violations)} |`;
  });
  const abuseRows = abuses.map((a) => {
    const { sent, lost, latency } = a.pair;
    return `| ${a.name} | ${a.abuse} | ${a.answer} | ${sent} / ${lost} | ${latency.p50Ms} / ${latency.p99Ms} / ${latency.maxMs} ms | ${closes(a.disconnects)} | ${verdict(a.violations)} |`;
  });
  return [
    '# What linker-ts survives',
    '',
    `Generated ${when.toISOString()} by the fault battery (\`apps/processor/test/reliability/\`), which runs in the`,
    'test command; `npm run chaos` runs it with longer outages, adds a general-chaos run, and writes this file. Each',
    'case runs a real-mode domain (a meta-server, two processors, two connectors; on private Kafka, NATS, Redis and',
    'FerretDB for the service cases and the general chaos; the four-domain ring, one processor and one connector each, for the link cases)',
    'under steady traffic through the client SDK (6 sender/recipient pairs, each 20 RELIABLE and 5 FAST messages a',
    'second; ack mode, resend of what was not accepted, reconnect with a fetch), injects the fault, repairs it, and',
    'waits until every client has an answer for every message and every recipient was shown every accepted message.',
    '',
    'What must hold in every case ("kept"): no accepted RELIABLE message lost, no message shown to an application twice,',
    'no confirmation without delivery, no frame left without an answer (`ACCEPTED` or a refusal with its code). FAST',
    'messages may be lost (at most once): they are counted. Recovery: from the repair until the RELIABLE lane accepts',
    'again and messages sent after the repair reach their recipients (what the fault held up arrives by the end, live or',
    'by a fetch). Disconnects: connections the clients saw closed under them, by close code (they reconnected).',
    '',
    '| case | injected | RELIABLE sent / accepted / refused / shown / lost / shown twice | FAST sent / shown / lost | recovery | disconnects | verdict |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '## What linker-ts refuses',
    '',
    'The abuse battery (`apps/embedded/test/abuse/`, embedded mode) runs each abuse while a well-behaved pair of users',
    'chats (20 RELIABLE messages a second through the client SDK, as above) and checks the documented answer. Beside',
    'each case: what the pair sent and lost, and its delivery latency (from sending to being shown to the recipient:',
    'median / 99th percentile / worst). "kept": the answer was the documented one, and the pair lost nothing and was',
    'refused nothing.',
    '',
    '| case | abuse | answer | pair sent / lost | pair latency p50 / p99 / max | pair disconnects | verdict |',
    '|---|---|---|---|---|---|---|',
    ...(abuseRows.length > 0 ? abuseRows : ['| (not run) | | | | | | |']),
    '',
  ].join('\n');
}

function main(): void {
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex > 0 ? process.argv[outIndex + 1] : join(RELIABILITY_OUTPUT, '..', 'reliability.md');
  if (!out) throw new Error('--out needs a file');
  const results = readResults<FaultCaseResult>(RELIABILITY_OUTPUT);
  const abuses = readResults<AbuseCaseResult>(ABUSE_OUTPUT);
  if (results.length + abuses.length === 0) {
    console.error(`no results in ${RELIABILITY_OUTPUT} or ${ABUSE_OUTPUT}: run the battery first`);
    process.exitCode = 1;
    return;
  }
  writeFileSync(out, reliabilityReport(results, abuses, new Date()));
  console.error(`wrote ${out} (${results.length} fault cases, ${abuses.length} abuse cases)`);
}

function readResults<T>(directory: string): T[] {
  const files = existsSync(directory)
    ? readdirSync(directory)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  return files.map((f) => JSON.parse(readFileSync(join(directory, f), 'utf8')) as T);
}

if (require.main === module) main();
