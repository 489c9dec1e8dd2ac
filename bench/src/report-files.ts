import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareWithCentrifugo } from './compare';
import { renderMarkdown } from './report-md';
import { latencySeries, renderLatencySvg } from './report-svg';
import type { RunResult } from './results';

/** `2025-11-24T00:12:33.456Z` → `2025-11-24T00-12-33Z`: a directory name that sorts by time. */
export function timestampName(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/**
 * Write results.json, results.md and latency.svg into `dir` (made if needed); returns the Markdown. A run with a
 * Centrifugo scenario gets its comparison with linker-ts (`run.comparison`) first.
 */
export function writeReports(dir: string, run: RunResult): string {
  mkdirSync(dir, { recursive: true });
  if (run.scenarios.some((s) => s.mode === 'centrifugo')) run.comparison = compareWithCentrifugo(run.scenarios);
  const markdown = renderMarkdown(run);
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(join(dir, 'results.md'), markdown);
  writeFileSync(join(dir, 'latency.svg'), `${renderLatencySvg(latencySeries(run.scenarios))}\n`);
  return markdown;
}
