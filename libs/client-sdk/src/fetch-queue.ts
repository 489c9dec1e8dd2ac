import type { LinkerClientError } from './errors';
import type { FetchResult, IncomingMessage } from './types';

interface PendingFetch {
  reference: string;
  messages: IncomingMessage[];
  resolve(result: FetchResult): void;
  reject(error: LinkerClientError): void;
}

/**
 * The fetches in flight, oldest first. The server answers `FETCH_MISSING_MESSAGES_REQUEST`s in order, each with
 * ordinary `MESSAGE` frames and then `FETCH_MISSING_MESSAGES_COMPLETE`, so while a fetch is pending every MESSAGE
 * belongs to the oldest one (a live message that arrives meanwhile is returned with the batch: nothing is lost).
 */
export class FetchQueue {
  private readonly queue: PendingFetch[] = [];

  /** Whether a fetch is waiting for its COMPLETE frame. */
  get active(): boolean {
    return this.queue.length > 0;
  }

  /** Register a fetch sent with `reference`; resolves on its COMPLETE frame. */
  start(reference: string): Promise<FetchResult> {
    return new Promise<FetchResult>((resolve, reject) => {
      this.queue.push({ reference, messages: [], resolve, reject });
    });
  }

  /** Add `message` to the oldest pending fetch; false when no fetch is pending. */
  collect(message: IncomingMessage): boolean {
    const head = this.queue[0];
    if (!head) return false;
    head.messages.push(message);
    return true;
  }

  /** The oldest fetch is complete: resolve it. Returns its result, or undefined for an unexpected COMPLETE. */
  complete(leftMissingCount: number): FetchResult | undefined {
    const head = this.queue.shift();
    if (!head) return undefined;
    const result = { messages: head.messages, leftMissingCount };
    head.resolve(result);
    return result;
  }

  /** The server refused the fetch sent with `reference`: reject it. False when no fetch has that reference. */
  reject(reference: string, error: LinkerClientError): boolean {
    const index = this.queue.findIndex((fetch) => fetch.reference === reference);
    if (index < 0) return false;
    const [fetch] = this.queue.splice(index, 1);
    fetch.reject(error);
    return true;
  }

  /** The connection is gone: reject every pending fetch (unacknowledged messages stay in the server's mailbox). */
  rejectAll(error: LinkerClientError): void {
    for (const fetch of this.queue.splice(0)) fetch.reject(error);
  }
}
