import { performance } from 'node:perf_hooks';

/** What `LoopStall` reads from the process: its event loop's idle time, and a way to run once the turn is over. */
export interface LoopProbe {
  /** Milliseconds the event loop has spent blocked waiting for I/O since the process started (monotonic). */
  idleMs(): number;
  /** Run `callback` once the current turn of the event loop has handled its I/O. */
  afterTurn(callback: () => void): void;
}

/** The process's own event loop: libuv's idle-time metric (always on in Node) and `setImmediate`. */
export const processLoop: LoopProbe = {
  idleMs: () => performance.nodeTiming.idleTime,
  afterTurn: (callback) => void setImmediate(callback),
};

/**
 * How long the event loop may have kept the frames it is reading now waiting in the kernel: one meter per connector.
 *
 * Node reads every readable socket each time its event loop polls for I/O, so a frame read now arrived after the
 * previous poll; if the loop was busy (a long callback, a GC pause, a flood of work) since then, the frame may have
 * waited that long. The meter marks the first frame of each turn that reads any (the previous poll's time, near
 * enough), and answers, for a frame read at `now`: the time since the mark of the previous such turn, less the time
 * the loop spent idle in between (an idle loop reads a frame as soon as it arrives). A loop that keeps up answers about
 * one turn (a few ms); after a 3 s stall, 3 s, for every frame read until the turn ends.
 *
 * Costs one idle-time read and one `setImmediate` per turn that reads frames, a few arithmetic operations per frame,
 * and nothing while no frame arrives: no timer, nothing to stop.
 */
export class LoopStall {
  private inTurn = false;
  /** The first frame of the turn before this one, and the loop's idle time then. */
  private previousMark = Number.NaN;
  /** The loop's idle time between the previous mark and this turn's. */
  private idleBetween = 0;
  private mark = Number.NaN;
  private markIdle = 0;
  private readonly endTurn = (): void => {
    this.inTurn = false;
  };

  constructor(private readonly probe: LoopProbe = processLoop) {}

  /** For a frame read at `now` (ms, the connector's clock): how long it may have waited for the loop; 0 when unknown. */
  stalledMs(now: number): number {
    if (!this.inTurn) this.beginTurn(now);
    const stalled = now - this.previousMark - this.idleBetween;
    return stalled > 0 ? stalled : 0; // NaN (no previous turn) and a clock set back count as 0
  }

  private beginTurn(now: number): void {
    this.inTurn = true;
    this.probe.afterTurn(this.endTurn);
    const idle = this.probe.idleMs();
    this.previousMark = this.mark;
    this.idleBetween = idle - this.markIdle;
    this.mark = now;
    this.markIdle = idle;
  }
}
