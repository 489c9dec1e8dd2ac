import { createParser } from 'eventsource-parser';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';

/** One `event: version` of `GET /topology/watch`. */
export interface WatchedVersion {
  version: string;
  /** Changes when anything changes, secrets included (absent from an older meta-server). */
  internalVersion?: string;
}

export interface TopologyWatchOptions {
  url: URL;
  /** Each announced version: the current one on every (re)connect, then each change. */
  onVersion(event: WatchedVersion): void;
  /** The stream is open (true) or lost (false). */
  onState(connected: boolean): void;
  /** Wait before connecting again after the stream ended or failed. */
  retryMs: number;
  logger: Logger;
}

/**
 * Follows the meta-server's Server-Sent Events (`GET /topology/watch`) and connects again whenever the stream ends or
 * fails. Each connection starts with the current version, so what changed while it was down is seen at once.
 */
export class TopologyWatch {
  private readonly aborter = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly options: TopologyWatchOptions) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Stop following; resolves once the stream is closed. */
  async close(): Promise<void> {
    this.aborter.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { signal } = this.aborter;
    while (!signal.aborted) {
      try {
        await this.follow(signal);
      } catch (error) {
        if (!signal.aborted) this.options.logger.debug('topology watch failed', { reason: errorMessage(error) });
      }
      this.options.onState(false);
      if (signal.aborted) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.retryMs);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  private async follow(signal: AbortSignal): Promise<void> {
    const response = await fetch(this.options.url, { headers: { accept: 'text/event-stream' }, signal });
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel();
      throw new Error(`GET ${this.options.url.pathname} answered ${response.status}`);
    }
    this.options.onState(true);
    const parser = createParser({
      onEvent: (event) => {
        if (event.event !== 'version') return;
        const parsed = parseVersion(event.data);
        if (parsed) this.options.onVersion(parsed);
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
  }
}

function parseVersion(data: string): WatchedVersion | undefined {
  try {
    const value = JSON.parse(data) as Partial<WatchedVersion>;
    if (typeof value.version !== 'string') return undefined;
    return typeof value.internalVersion === 'string'
      ? { version: value.version, internalVersion: value.internalVersion }
      : { version: value.version };
  } catch {
    return undefined;
  }
}
