/**
 * The reliability report: one row per fault case, from the results the battery writes
 * (`test-output/reliability/*.json`, see libs/testing/src/faults/fault-case.ts). `npm test` writes it to
 * `test-output/reliability.md`; `npm run chaos` (the long variants) to `docs/reliability.md`.
 * Usage: tsx scripts/reliability-report.ts [--out FILE]
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RELIABILITY_OUTPUT, type FaultCaseResult, type LaneCounts } from '@linker/testing';

function reliable(counts: LaneCounts): string {
  const refusals = Object.entries(counts.refusals).map(([code, n]) => `${n} ${code}`).join(', ');
  return `${counts.sent} / ${counts.accepted} / ${counts.refused}${refusals ? ` (${refusals})` : ''} / ${counts.delivered} / ${counts.lost} / ${counts.duplicatesShown}`;
}

export function reliabilityReport(results: readonly FaultCaseResult[], when: Date): string {
  const rows = results.map((r) => {
    const verdict = r.violations.length === 0 ? 'kept' : `**broken**: ${r.violations.join('; ')}`;
    const fast = `${r.report.FAST.sent} / ${r.report.FAST.delivered} / ${r.report.FAST.lost}`;
    const closed = Object.entries(r.disconnects ?? {}).map(([code, n]) => `${n} × ${code}`).join(', ') || 'none';
    return `| ${r.name} | ${r.injected} | ${reliable(r.report.RELIABLE)} | ${fast} | ${r.recoveryMs < 0 ? 'none' : `${(r.recoveryMs / 1000).toFixed(1)} s`} | ${closed} | ${verdict} |`;
  });
  return [
    '# What linker-ts survives',
    '',
    `Generated ${when.toISOString()} by the fault battery (\`apps/processor/test/reliability/\`), which runs in the`,
    'test command; `npm run chaos` runs it with longer outages and writes this file. Each case runs a real-mode domain',
    '(a meta-server, two processors, two connectors; on private Kafka, NATS, Redis and FerretDB for the service cases)',
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
  ].join('\n');
}

function main(): void {
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex > 0 ? process.argv[outIndex + 1] : join(RELIABILITY_OUTPUT, '..', 'reliability.md');
  if (!out) throw new Error('--out needs a file');
  const files = existsSync(RELIABILITY_OUTPUT) ? readdirSync(RELIABILITY_OUTPUT).filter((f) => f.endsWith('.json')).sort() : [];
  if (files.length === 0) {
    console.error(`no fault-case results in ${RELIABILITY_OUTPUT}: run the battery first`);
    process.exitCode = 1;
    return;
  }
  const results = files.map((f) => JSON.parse(readFileSync(join(RELIABILITY_OUTPUT, f), 'utf8')) as FaultCaseResult);
  writeFileSync(out, reliabilityReport(results, new Date()));
  console.error(`wrote ${out} (${results.length} cases)`);
}

if (require.main === module) main();
