import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** One reading of a process: CPU time used so far (user + system, seconds) and resident memory (KiB). */
export interface ProcReading {
  cpuSeconds: number;
  rssKiB: number;
}

/** What a process used over a measured window. */
export interface ProcessUsage {
  name: string;
  pid: number;
  /** CPU over the window as a percentage of one core (200 % = both cores of a 2-core box). */
  cpuPercent: number;
  cpuSeconds: number;
  rssStartKiB: number;
  rssEndKiB: number;
  rssPeakKiB: number;
}

let clockTicks: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat (`getconf CLK_TCK`, 100 on Linux unless told otherwise). */
function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** utime + stime in ticks from the text of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parseStatTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the name start at field 3 (state); utime is field 14, stime field 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc stat line: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** VmRSS in KiB from the text of /proc/<pid>/status. */
export function parseStatusRssKiB(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error('no VmRSS line in /proc status');
  return Number(match[1]);
}

/** CPU ticks used so far by every process on the machine, by pid (processes that vanish while read are skipped). */
function readAllProcTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      ticks.set(Number(entry), parseStatTicks(readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/**
 * Ticks the whole machine's processes used between two `readAllProcTicks` readings: the growth of each process
 * seen at both ends plus everything of one that started meanwhile; one that ended meanwhile is missed (a lower bound).
 * The first line of /proc/stat would be simpler, but on these VMs its tick-sampled idle time overstates idleness for
 * timer-driven work (it showed 14 % busy while two processes used 52 %); per-process times are exact.
 */
export function ticksBetween(first: Map<number, number>, last: Map<number, number>): number {
  let total = 0;
  for (const [pid, ticks] of last) total += ticks - (first.get(pid) ?? 0);
  return total;
}

export function readProc(pid: number): ProcReading {
  const ticks = parseStatTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return {
    cpuSeconds: ticks / clockTicksPerSecond(),
    rssKiB: parseStatusRssKiB(readFileSync(`/proc/${pid}/status`, 'utf8')),
  };
}

export interface Watched {
  name: string;
  pid: number;
}

/**
 * Samples the CPU and RSS of some processes over a window: a reading at `start`, one every `intervalMs` (for the
 * RSS peak) and one at `stop`. A process that has gone away keeps its last reading.
 */
export class ProcSampler {
  private first = new Map<number, ProcReading>();
  private last = new Map<number, ProcReading>();
  private peak = new Map<number, number>();
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private hostFirst = new Map<number, number>();
  /** After `stop`: CPU busy over the window on the whole machine, % of one core (others' work included). */
  hostCpuPercent = 0;

  constructor(
    private readonly processes: Watched[],
    private readonly intervalMs = 500,
  ) {}

  start(nowMs: number): void {
    this.startedAt = nowMs;
    this.hostFirst = readAllProcTicks();
    this.first.clear();
    this.peak.clear();
    this.sample();
    for (const [pid, reading] of this.last) this.first.set(pid, reading);
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** The usage over the window; empty if `start` was never called. */
  stop(nowMs: number): ProcessUsage[] {
    if (!this.timer) return [];
    clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    const seconds = Math.max(1e-9, (nowMs - this.startedAt) / 1000);
    const hostTicks = ticksBetween(this.hostFirst, readAllProcTicks());
    this.hostCpuPercent = Math.round((hostTicks / clockTicksPerSecond() / seconds) * 1000) / 10;
    return this.processes.flatMap(({ name, pid }) => {
      const first = this.first.get(pid);
      const last = this.last.get(pid);
      if (!first || !last) return [];
      const cpuSeconds = last.cpuSeconds - first.cpuSeconds;
      return [
        {
          name,
          pid,
          cpuPercent: Math.round((cpuSeconds / seconds) * 1000) / 10,
          cpuSeconds: Math.round(cpuSeconds * 1000) / 1000,
          rssStartKiB: first.rssKiB,
          rssEndKiB: last.rssKiB,
          rssPeakKiB: this.peak.get(pid) ?? last.rssKiB,
        },
      ];
    });
  }

  private sample(): void {
    for (const { pid } of this.processes) {
      try {
        const reading = readProc(pid);
        this.last.set(pid, reading);
        this.peak.set(pid, Math.max(this.peak.get(pid) ?? 0, reading.rssKiB));
      } catch {
        // The process is gone: keep its last reading.
      }
    }
  }
}
