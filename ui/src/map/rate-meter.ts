/** Events per second over the last `windowMs` (since the first event, while the window is not full yet). Pure. */
export class RateMeter {
  private readonly times: number[] = [];
  private first?: number;

  constructor(private readonly windowMs = 5000) {}

  record(time: number): void {
    this.first ??= time;
    this.times.push(time);
  }

  /** The rate at `now`; 0 before any event. */
  perSecond(now: number): number {
    if (this.first === undefined) return 0;
    const since = now - this.windowMs;
    while (this.times.length > 0 && this.times[0] <= since) this.times.shift();
    const span = Math.max(1000, Math.min(this.windowMs, now - this.first));
    return (this.times.length * 1000) / span;
  }
}
