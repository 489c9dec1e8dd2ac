import type { ChannelSession } from '../chat/channel-session';
import { Observable } from '../store';
import { SIM_EVERY_MS, WorkerWalk } from './worker-walk';

/**
 * "Simulate workers": publishes a position for each of N fake workers every `everyMs` to a channel, through the
 * session's SDK client (FAST, as a tracking app would), until stopped or a publication cannot be sent. No DOM.
 */
export class Simulation extends Observable {
  running = false;
  /** Positions published since the start. */
  sent = 0;
  /** Why it stopped (by itself, or `stopped by you`). */
  stopped?: string;
  private timer?: ReturnType<typeof setInterval>;

  constructor(private readonly channels: ChannelSession) {
    super();
  }

  start(channel: string, workers: number, everyMs = SIM_EVERY_MS): void {
    this.stop('');
    const walk = new WorkerWalk(workers);
    this.running = true;
    this.sent = 0;
    this.stopped = undefined;
    const tick = () => this.publish(channel, walk);
    this.timer = setInterval(tick, everyMs);
    tick();
  }

  stop(why = `Stopped by you after ${this.sent} positions.`): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.running = false;
    this.stopped = why;
    this.changed();
  }

  private publish(channel: string, walk: WorkerWalk): void {
    try {
      for (const position of walk.step()) {
        this.channels.publishData(channel, position, 'FAST');
        this.sent += 1;
      }
      this.changed();
    } catch (error) {
      this.stop(`Stopped: ${(error as Error).message}.`);
    }
  }
}
