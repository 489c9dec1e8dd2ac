import { performance } from 'node:perf_hooks';
import { LoopStall, processLoop, type LoopProbe } from './loop-stall';

/** A scripted event loop: idle time set by the test, turns ended by the test. */
class FakeLoop implements LoopProbe {
  idle = 0;
  turnsScheduled = 0;
  private pending: Array<() => void> = [];

  idleMs(): number {
    return this.idle;
  }

  afterTurn(callback: () => void): void {
    this.turnsScheduled += 1;
    this.pending.push(callback);
  }

  endTurn(): void {
    const callbacks = this.pending;
    this.pending = [];
    for (const callback of callbacks) callback();
  }
}

describe('LoopStall', () => {
  let loop: FakeLoop;
  let stall: LoopStall;
  beforeEach(() => {
    loop = new FakeLoop();
    stall = new LoopStall(loop);
  });

  it('answers 0 in the first turn it sees', () => {
    expect(stall.stalledMs(1_000)).toBe(0);
    expect(stall.stalledMs(1_500)).toBe(0);
  });

  it('answers the busy time since the previous turn that read frames, for every frame of the turn', () => {
    stall.stalledMs(1_000);
    loop.endTurn();
    // The loop was busy for 3 s (no idle time): the frames read now may have waited that long.
    expect(stall.stalledMs(4_000)).toBe(3_000);
    expect(stall.stalledMs(4_020)).toBe(3_020); // later in the same turn: longer still
    loop.endTurn();
    expect(stall.stalledMs(4_025)).toBe(25); // the next turn: since the stalled turn's first frame
  });

  it('does not count the time the loop was idle: an idle loop reads a frame as it arrives', () => {
    stall.stalledMs(1_000);
    loop.endTurn();
    loop.idle += 59_990; // a minute without a frame, the loop waiting for I/O
    expect(stall.stalledMs(61_000)).toBe(10);
    loop.endTurn();
    loop.idle += 2_000; // idle, then a 3 s callback, then the next frames
    expect(stall.stalledMs(66_000)).toBe(3_000);
  });

  it('costs one probe per turn, not per frame, and schedules nothing while no frame arrives', () => {
    for (let i = 0; i < 100; i++) stall.stalledMs(1_000 + i);
    expect(loop.turnsScheduled).toBe(1);
    loop.endTurn();
    expect(loop.turnsScheduled).toBe(1);
    stall.stalledMs(2_000);
    expect(loop.turnsScheduled).toBe(2);
  });

  it('answers 0 when the clock went back', () => {
    stall.stalledMs(10_000);
    loop.endTurn();
    expect(stall.stalledMs(5_000)).toBe(0);
  });

  it('measures this process’s loop: a blocked loop counts, a waiting one does not', async () => {
    const real = new LoopStall(processLoop);
    real.stalledMs(performance.now());
    await new Promise((resolve) => setTimeout(resolve, 200)); // idle: waiting for a timer
    const block = performance.now() + 300;
    while (performance.now() < block); // busy: the loop cannot poll
    const stalled = real.stalledMs(performance.now());
    expect(stalled).toBeGreaterThanOrEqual(299);
    expect(stalled).toBeLessThan(1_000); // the 200 ms spent waiting are not in it
    await new Promise((resolve) => setImmediate(resolve)); // the turn ends
    expect(real.stalledMs(performance.now())).toBeLessThan(stalled);
  });
});
