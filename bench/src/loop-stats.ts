import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './processes';

/**
 * The event-loop delay and GC pauses of the Node server processes, from the lines `loop-probe.cjs` writes once a
 * second inside each of them, folded over a step's measured window.
 */

/** Preloaded into every Node server process the bench starts (`node --require`). */
export const PROBE_PATH = join(__dirname, 'loop-probe.cjs');
/** The environment variable that tells the probe where to write. */
export const PROBE_FILE_ENV = 'BENCH_LOOP_PROBE_FILE';

interface GcPauses {
  count: number;
  totalMs: number;
  maxMs: number;
}

/** One line of the probe: one second of one process (times in epoch ms). */
export interface ProbeLine {
  pid: number;
  from: number;
  to: number;
  loop: { p50: number; p99: number; max: number; samples: number };
  gc: Record<string, GcPauses>;
}

/** What one process's event loop and GC did over a window. */
export interface LoopStats {
  name: string;
  /** Probe lines (seconds) folded. */
  seconds: number;
  /** Event-loop delay, ms: the median of the per-second p50s. */
  delayP50Ms: number;
  /** The highest per-second p99, ms (p99s of different seconds do not add up to one p99: this is the worst second's). */
  delayP99Ms: number;
  delayMaxMs: number;
  /** GC pauses of every kind. */
  gc: GcPauses;
  /** GC pauses by kind (minor, major, incremental, weakcb). */
  gcByKind: Record<string, GcPauses>;
}

const isProbeLine = (value: unknown): value is ProbeLine => {
  const line = value as ProbeLine;
  return (
    typeof line === 'object' &&
    line !== null &&
    Number.isFinite(line.from) &&
    Number.isFinite(line.to) &&
    typeof line.loop === 'object' &&
    typeof line.gc === 'object'
  );
};

/** The probe lines of a file's text; a line that does not parse (one being written) is skipped. */
export function parseProbeLines(text: string): ProbeLine[] {
  return text.split('\n').flatMap((raw) => {
    if (raw.trim() === '') return [];
    try {
      const value: unknown = JSON.parse(raw);
      return isProbeLine(value) ? [value] : [];
    } catch {
      return [];
    }
  });
}

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function addPauses(into: GcPauses, pauses: GcPauses): void {
  into.count += pauses.count;
  into.totalMs = round3(into.totalMs + pauses.totalMs);
  into.maxMs = Math.max(into.maxMs, pauses.maxMs);
}

/**
 * Fold the lines whose second lies in the window (its middle at or after `fromMs` and before `toMs`) into one
 * process's figures; undefined when none does.
 */
export function foldProbeLines(name: string, lines: ProbeLine[], window: { fromMs: number; toMs: number }): LoopStats | undefined {
  const inside = lines.filter((line) => {
    const middle = (line.from + line.to) / 2;
    return middle >= window.fromMs && middle < window.toMs;
  });
  if (inside.length === 0) return undefined;
  const sampled = inside.filter((line) => line.loop.samples > 0);
  const gc: GcPauses = { count: 0, totalMs: 0, maxMs: 0 };
  const gcByKind: Record<string, GcPauses> = {};
  for (const line of inside) {
    for (const [kind, pauses] of Object.entries(line.gc)) {
      addPauses(gc, pauses);
      addPauses((gcByKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 }), pauses);
    }
  }
  return {
    name,
    seconds: inside.length,
    delayP50Ms: sampled.length > 0 ? round3(median(sampled.map((line) => line.loop.p50))) : 0,
    delayP99Ms: Math.max(0, ...sampled.map((line) => line.loop.p99)),
    delayMaxMs: Math.max(0, ...sampled.map((line) => line.loop.max)),
    gc,
    gcByKind,
  };
}

/** A process that may have a probe file. */
export interface Probed {
  name: string;
  probeFile?: string;
}

function linesOf(file: string): ProbeLine[] {
  return existsSync(file) ? parseProbeLines(readFileSync(file, 'utf8')) : [];
}

/**
 * Wait (at most `timeoutMs`) until every probe file has a line that ends at or after `untilMs`, so the last second of
 * a window is written before it is folded.
 */
export async function awaitProbeLines(processes: Probed[], untilMs: number, timeoutMs = 2500): Promise<void> {
  const files = processes.flatMap((p) => (p.probeFile ? [p.probeFile] : []));
  const deadline = Date.now() + timeoutMs;
  const written = (file: string): boolean => linesOf(file).some((line) => line.to >= untilMs);
  while (Date.now() < deadline && !files.every(written)) await sleep(100);
}

/** The figures of every probed process over the window (epoch ms), in the order given. */
export function readLoopStats(processes: Probed[], window: { fromMs: number; toMs: number }): LoopStats[] {
  return processes.flatMap((p) => {
    const stats = p.probeFile ? foldProbeLines(p.name, linesOf(p.probeFile), window) : undefined;
    return stats ? [stats] : [];
  });
}
