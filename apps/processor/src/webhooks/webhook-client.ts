import { WEBHOOK_SIGNATURE_HEADER, type WebhookBatch, type WebhookEvent } from '@linker/contracts';
import type { Clock } from '@linker/kernel';
import type { AppWebhook } from '@linker/topology';
import type { FetchFn } from '../auth/auth-webhook';
import { webhookSignature } from './signature';
import { Slots } from './slots';

export interface WebhookClientOptions {
  fetch: FetchFn;
  clock: Clock;
  /** A request not answered within this long failed. */
  timeoutMs: number;
  /** Most requests at once; one app gets at most a quarter of them (at least one). */
  concurrency: number;
}

/**
 * POSTs one batch of events to an app's receiver: `{events}` as JSON, signed (`X-Linker-Signature`), within
 * `timeoutMs`, under the concurrency limits. Resolves with why it failed (not 2xx, a redirect, a timeout, a network
 * error), or undefined once the receiver answered 2xx; never rejects. The answer's body is not read.
 */
export class WebhookClient {
  private readonly slots: Slots;

  constructor(private readonly options: WebhookClientOptions) {
    this.slots = new Slots(options.concurrency, Math.max(1, Math.floor(options.concurrency / 4)));
  }

  send(app: string, hook: AppWebhook, events: WebhookEvent[]): Promise<string | undefined> {
    return this.slots.run(app, () => this.post(hook, events));
  }

  private async post(hook: AppWebhook, events: WebhookEvent[]): Promise<string | undefined> {
    const { fetch, clock, timeoutMs } = this.options;
    const body = JSON.stringify({ events } satisfies WebhookBatch);
    const signature = webhookSignature(hook.secret, Math.floor(clock.now() / 1000), body);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [WEBHOOK_SIGNATURE_HEADER]: signature },
        body,
        signal: controller.signal,
        redirect: 'error',
      });
      await response.body?.cancel().catch(() => undefined);
      return response.status >= 200 && response.status <= 299 ? undefined : `the receiver answered ${response.status}`;
    } catch (error) {
      return controller.signal.aborted ? `no answer within ${timeoutMs} ms` : `unreachable (${reasonOf(error)})`;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The system error code under a failed fetch (`ECONNREFUSED`, …), else the error's name: never the URL. */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : (error as Error).name;
}
