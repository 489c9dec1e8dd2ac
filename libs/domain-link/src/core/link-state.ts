import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { LinkStateChange } from '../link.port';

/** Up or down, since when, how often, and who listens. */
export class LinkState {
  up = false;
  private since = Date.now();
  private ups = 0;
  private downs = 0;
  private readonly listeners = new Set<(change: LinkStateChange) => void>();

  constructor(
    private readonly peer: string,
    private readonly logger: Logger,
  ) {}

  listen(listener: (change: LinkStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(up: boolean, reason?: string): void {
    if (up === this.up) return;
    this.up = up;
    this.since = Date.now();
    if (up) this.ups += 1;
    else this.downs += 1;
    this.logger.info(up ? 'link up' : 'link down', { reason });
    const change: LinkStateChange = { peer: this.peer, up, at: this.since, reason };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error('link state listener failed', { error: errorMessage(error) });
      }
    }
  }

  snapshot(): { peer: string; up: boolean; since: number; ups: number; downs: number } {
    return { peer: this.peer, up: this.up, since: this.since, ups: this.ups, downs: this.downs };
  }
}
