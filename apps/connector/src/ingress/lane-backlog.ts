import type { Lane } from '@linker/contracts';
import type { Logger } from '@linker/observability';

/** What an OVERLOADED answer tells the client to wait before sending the refused frame again. */
export const OVERLOAD_RETRY_AFTER_MS = 1_000;

/**
 * Client frames this connector handed to a lane that the lane has not accepted yet, per lane: when they reach
 * `maxPending`, the connector cannot keep up (the broker is slow, or the process is) and new frames for that lane are
 * refused with OVERLOADED (retriable, nothing sent) instead of piling up in memory. Refusing goes on until the backlog
 * has drained to half the limit, so it gets time to drain instead of refilling at once. Each episode is logged once
 * when it starts and once when it ends. An integer per lane; nothing runs while nothing is sent.
 */
export class LaneBacklog {
  private readonly pending = { RELIABLE: 0, FAST: 0 };
  private readonly overloaded = { RELIABLE: false, FAST: false };
  /** Called when a publish settles, one function per lane (no allocation per frame). */
  readonly settled: Readonly<Record<Lane, () => void>> = { RELIABLE: () => this.settle('RELIABLE'), FAST: () => this.settle('FAST') };

  constructor(
    private readonly maxPending: number,
    private readonly logger: Logger,
  ) {}

  /** Whether a new frame for `lane` must be refused with OVERLOADED. */
  refuses(lane: Lane): boolean {
    if (this.overloaded[lane]) return true;
    if (this.pending[lane] < this.maxPending) return false;
    this.overloaded[lane] = true;
    this.logger.warn('connector overloaded: new frames are refused with OVERLOADED until the lane catches up', {
      lane,
      pending: this.pending[lane],
    });
    return true;
  }

  /** A frame was handed to `lane`; call `settled[lane]` once its publish settles, whichever way. */
  add(lane: Lane): void {
    this.pending[lane] += 1;
  }

  /** Frames handed to the lanes and not settled yet. */
  get size(): number {
    return this.pending.RELIABLE + this.pending.FAST;
  }

  private settle(lane: Lane): void {
    this.pending[lane] -= 1;
    if (this.overloaded[lane] && this.pending[lane] <= this.maxPending / 2) {
      this.overloaded[lane] = false;
      this.logger.info('connector overload over: frames are accepted again', { lane, pending: this.pending[lane] });
    }
  }
}
