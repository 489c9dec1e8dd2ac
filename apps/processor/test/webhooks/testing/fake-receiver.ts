import type { WebhookBatch } from '@linker/contracts';
import type { FetchFn } from '../../../src/auth/auth-webhook';

/** One request the fake receiver got. */
export interface ReceivedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  batch: WebhookBatch;
}

/** What the receiver does with the `n`th request (from 0): answer a status, or never answer (until the sender gives up). */
export type Answer = (n: number, request: ReceivedRequest) => number | 'hang';

/**
 * A `fetch` that plays an app's webhook receiver: records every request and answers as `answer` says ('hang': the
 * promise settles only when the sender's signal aborts it, as a receiver that never answers).
 */
export class FakeReceiver {
  readonly requests: ReceivedRequest[] = [];
  readonly fetch: FetchFn;

  constructor(private readonly answer: Answer = () => 200) {
    this.fetch = ((url: string, init: RequestInit) => this.respond(url, init)) as FetchFn;
  }

  /** Every event received, in order, repeats included. */
  get events(): WebhookBatch['events'] {
    return this.requests.flatMap((request) => request.batch.events);
  }

  private respond(url: string, init: RequestInit): Promise<Response> {
    const body = String(init.body);
    const request = { url, headers: init.headers as Record<string, string>, body, batch: JSON.parse(body) as WebhookBatch };
    const n = this.requests.push(request) - 1;
    const status = this.answer(n, request);
    if (status !== 'hang') return Promise.resolve(new Response(null, { status }));
    return new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
  }
}
