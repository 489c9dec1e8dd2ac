import { request, type IncomingMessage } from 'node:http';
import { waitFor } from './wait-for';

const WAIT_MS = 10_000;

/**
 * One Server-Sent Events stream read with Node's http client: its status, every event as printed (its lines without
 * the blank line that ends it) and when each arrived, and how it ended. Every wait has a deadline.
 */
export class SseClient {
  readonly events: string[] = [];
  readonly arrivals: number[] = [];
  status: number | undefined;
  /** The body of a refused request (not an event stream), as text. */
  body = '';
  ended = false;
  private response: IncomingMessage | undefined;
  private text = '';
  private readonly socketClosed: Promise<void>;

  constructor(readonly url: string) {
    const outgoing = request(url, { agent: false, headers: { accept: 'text/event-stream' } });
    this.socketClosed = new Promise((resolve) => outgoing.once('close', () => resolve()));
    outgoing.on('response', (response) => {
      this.response = response;
      this.status = response.statusCode;
      response.on('data', (chunk: Buffer) => this.read(chunk.toString()));
      response.on('close', () => (this.ended = true));
    });
    outgoing.on('error', () => (this.ended = true));
    outgoing.end();
  }

  /** Wait for the answer's status. */
  answered(timeoutMs = WAIT_MS): Promise<number> {
    return waitFor(`an answer from ${this.url}`, () => this.status, { timeoutMs });
  }

  /** Wait until `count` events equal to `event` arrived; every event so far. */
  until(event: string, count = 1, timeoutMs = WAIT_MS): Promise<string[]> {
    return waitFor(
      `${count} × ${JSON.stringify(event)} on ${this.url} (received ${this.events.length}, ended: ${this.ended})`,
      () => this.events.filter((e) => e === event).length >= count && this.events,
      { timeoutMs },
    );
  }

  /** Wait until the stream ended (the server ended it or dropped it). */
  closed(timeoutMs = WAIT_MS): Promise<true> {
    return waitFor(`${this.url} to end`, () => this.ended, { timeoutMs });
  }

  /** Stop reading: what the server writes piles up in the kernel's buffers, then in the server's. */
  pause(): void {
    this.response?.pause();
  }

  /** Drop the connection and wait until it is gone. */
  async close(): Promise<void> {
    this.response?.destroy();
    this.response?.socket?.destroy();
    await this.socketClosed;
  }

  private read(chunk: string): void {
    if (this.status !== 200) {
      this.body += chunk;
      return;
    }
    this.text += chunk;
    const parts = this.text.split('\n\n');
    this.text = parts.pop() as string;
    const now = Date.now();
    for (const event of parts) {
      this.events.push(event);
      this.arrivals.push(now);
    }
  }
}
