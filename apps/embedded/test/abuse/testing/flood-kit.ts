import { readFileSync } from 'node:fs';
import { BATTERY_APP_ID, batteryTopology, startEmbeddedDomain, uniqueName, wellBehavedPair, type EmbeddedDomain } from '@linker/testing';
import { RawSocket } from '@linker/testing/e2e/raw-socket';

/** The original's app (authentication off), as the fault battery uses it. */
export const APP_ID = BATTERY_APP_ID;

/** An embedded domain of its own for one spec file (default limits), on the battery's one-app topology. */
export function startAbuseDomain(prefix: string): Promise<EmbeddedDomain> {
  const domain = uniqueName(prefix);
  return startEmbeddedDomain({ domain, topology: batteryTopology(domain) });
}

/**
 * User ids of one spec file: a random block of numbers, so its pairs, its abusers and their recipients never meet
 * another run's mailboxes. Every call hands out users never handed out before.
 */
export class AbuseUsers {
  private next = 1_000_000 + Math.floor(Math.random() * 800_000) * 10;

  /** `count` fresh users. */
  many(count: number): string[] {
    const first = this.take(count);
    return Array.from({ length: count }, (_, i) => `ANZ-${first + i}`);
  }

  one(): string {
    return this.many(1)[0];
  }

  /**
   * The well-behaved pair of a case, on `url`: two users of its own (the pair's message ids are made from its users and
   * a count from 1, so a pair of another case with the same users would repeat them, and repeats are dropped).
   */
  pair(url: string): ReturnType<typeof wellBehavedPair> {
    const first = this.take(2);
    return wellBehavedPair(url, APP_ID, (n) => `ANZ-${first + n}`);
  }

  private take(count: number): number {
    const first = this.next;
    this.next += count;
    return first;
  }
}

/** A raw socket authenticated as `userId` (ack mode with `ack`); fails when the login is refused. */
export async function login(url: string, userId: string, options: { ack?: boolean; label?: string } = {}): Promise<RawSocket> {
  const socket = await RawSocket.open(url, options.label ?? userId);
  const reply = await socket.auth(APP_ID, userId, 'token', options.ack === true);
  if (reply.data.isAuthenticated !== true) throw new Error(`login of ${userId} refused: ${JSON.stringify(reply)}`);
  return socket;
}

/** The resident set size of process `pid`, in MiB (`VmRSS` of /proc/<pid>/status). */
export function rssMiB(pid: number): number {
  const line = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Math.round(Number(line[1]) / 102.4) / 10;
}

/**
 * The largest RSS of `pid` seen (sampled every 50 ms) from `start` until `stop`, in MiB. Sampling ends by itself
 * when the process is gone; `stop` it in a `finally`.
 */
export class RssPeak {
  peak: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.peak = rssMiB(pid);
    this.timer = setInterval(() => this.sample(), 50);
  }

  /** Stop sampling; the peak (taking one last sample). */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  private sample(): void {
    try {
      this.peak = Math.max(this.peak, rssMiB(this.pid));
    } catch {
      clearInterval(this.timer); // the process ended
    }
  }
}

/** Close every socket that is still open (a case's `finally`). */
export async function closeAll(sockets: readonly RawSocket[]): Promise<void> {
  await Promise.all(sockets.map((socket) => socket.close().catch(() => undefined)));
}
