import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) this summary reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; hitCount?: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  startTime: number;
  endTime: number;
}

interface ProfileEntry {
  name: string;
  /** Share of the busy samples (all but `(idle)`), %. */
  percent: number;
}

export interface ProfileSummary {
  /** Share of all samples the process was idle, %. */
  idlePercent: number;
  functions: ProfileEntry[];
  origins: ProfileEntry[];
}

/** Where a frame's code lives: `node_modules/<package>`, `apps/<app>` or `libs/<lib>`, `node:internal`, or the special frames. */
export function origin(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(apps|libs)\/([^/]+)\//.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url.replace(/^.*\//, '');
}

function rank(totals: Map<string, number>, all: number, top: number): ProfileEntry[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, hits]) => ({ name, percent: Math.round((hits / all) * 1000) / 10 }));
}

/** Self time by function and by origin, as shares of the busy samples, the largest first; and how idle it was. */
export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  let all = 0;
  let idle = 0;
  for (const { hitCount = 0, callFrame } of profile.nodes) {
    if (hitCount === 0) continue;
    if (callFrame.functionName === '(idle)') {
      idle += hitCount;
      continue;
    }
    all += hitCount;
    const file = callFrame.url.replace(/^.*\/(node_modules|apps|libs)\//, '$1/');
    const name = `${callFrame.functionName || '(anonymous)'} ${file ? `${file}:${callFrame.lineNumber + 1}` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + hitCount);
    const where = origin(callFrame.url, callFrame.functionName);
    origins.set(where, (origins.get(where) ?? 0) + hitCount);
  }
  const idlePercent = Math.round((idle / Math.max(1, all + idle)) * 1000) / 10;
  return { idlePercent, functions: rank(functions, Math.max(1, all), top), origins: rank(origins, Math.max(1, all), top) };
}

/** A Markdown summary of every `.cpuprofile` in `dir` (named `<scenario>.<process>.cpuprofile` by the bench). */
export function profilesMarkdown(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  return files
    .map((file) => {
      const { idlePercent, functions, origins } = summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
      const list = (entries: ProfileEntry[]): string => entries.map((e) => `- ${e.percent}% ${e.name}`).join('\n');
      const title = `## ${file.replace(/\.cpuprofile$/, '')} (idle ${idlePercent}% of the run; shares below are of the busy time)`;
      return `${title}\n\nSelf time by origin:\n\n${list(origins)}\n\nTop functions by self time:\n\n${list(functions)}\n`;
    })
    .join('\n');
}
