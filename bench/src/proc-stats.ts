import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
export function clockTicksPerSecond(): number {
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

/** Busy and total ticks of the whole machine from the first line of /proc/stat (busy = all but idle and iowait). */
export function parseHostTicks(stat: string): { busy: number; total: number } {
  const fields = stat.split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
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
  private hostFirst = { busy: 0, total: 0 };
  /** After `stop`: CPU busy over the window on the whole machine, % of one core (others' work included). */
  hostCpuPercent = 0;

  constructor(private readonly processes: Watched[], private readonly intervalMs = 500) {}

  start(nowMs: number): void {
    this.startedAt = nowMs;
    this.hostFirst = parseHostTicks(readFileSync('/proc/stat', 'utf8'));
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
    const host = parseHostTicks(readFileSync('/proc/stat', 'utf8'));
    this.hostCpuPercent = Math.round(((host.busy - this.hostFirst.busy) / clockTicksPerSecond() / seconds) * 1000) / 10;
    return this.processes.flatMap(({ name, pid }) => {
      const first = this.first.get(pid);
      const last = this.last.get(pid);
      if (!first || !last) return [];
      const cpuSeconds = last.cpuSeconds - first.cpuSeconds;
      return [{
        name,
        pid,
        cpuPercent: Math.round((cpuSeconds / seconds) * 1000) / 10,
        cpuSeconds: Math.round(cpuSeconds * 1000) / 1000,
        rssStartKiB: first.rssKiB,
        rssEndKiB: last.rssKiB,
        rssPeakKiB: this.peak.get(pid) ?? last.rssKiB,
      }];
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
