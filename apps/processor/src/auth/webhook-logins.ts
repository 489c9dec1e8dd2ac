import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { Dispatcher } from '../dispatch/dispatcher';
import type { Effects } from '../dispatch/effects';
import type { ProcessorStats } from '../health/processor-stats';
import { backoffMs, delay } from '../intake/retry';
import type { AuthRequest, Authenticator, LoginVerdict, RemoteCheck } from './authenticator';
import { KeyedLimiter, type KeyedLimits } from './keyed-limiter';

export interface WebhookLoginsDeps {
  /** Webhook calls at once and logins waiting, per app. */
  limits: KeyedLimits;
  authenticator: Authenticator;
  dispatcher: Dispatcher;
  /** What a login refused because its app's calls were all taken is told to wait before trying again. */
  retryAfterMs: number;
  /** Retries of writing an answer, the first after `retryBackoffMs`, doubling. */
  retries: number;
  retryBackoffMs: number;
  stats: ProcessorStats;
  logger: Logger;
}

/** A login a remote check decides, and the effects that answer it (the AUTH_CLIENT_REPLY, or REFRESH_TOKEN_REPLY, to its socket). */
export interface WebhookLogin extends RemoteCheck {
  request: AuthRequest;
  answer(verdict: LoginVerdict): Effects;
}

/**
 * Logins decided by a remote check (their app's `authUrl`, or its `jwksUrl` key set), run beside the intake rather than inside its batches (ADR 0012), so a
 * slow auth server delays only its own app's logins, never anyone's messages. Per app, at most `limits.concurrency`
 * webhook calls run at once and `limits.queue` logins wait (first come, first asked); `offer` refuses one more at
 * once, and a login that waited more than `limits.maxWaitMs` (the webhook timeout) for a free call is refused when its
 * turn comes, so every login taken is answered within twice the webhook timeout, well before the connector's auth
 * deadline, even when the auth server never answers. Each answer is written by itself (retried `retries` times); if
 * it cannot be, or the processor stops before the call, the client hears nothing and the connector closes its socket
 * at its auth deadline (4002).
 */
export class WebhookLogins {
  private readonly limiter: KeyedLimiter;
  private readonly log: Logger;

  constructor(private readonly deps: WebhookLoginsDeps) {
    this.limiter = new KeyedLimiter(deps.limits);
    this.log = deps.logger.child({ component: 'webhook-logins' });
  }

  /** Run the login's check, now or when a call of its app ends; false (nothing asked) when the app's queue is full. */
  offer(login: WebhookLogin): boolean {
    const taken = this.limiter.offer(
      login.app,
      () => this.decide(login),
      () => this.expire(login),
    );
    if (!taken) this.deps.stats.authBusy += 1;
    return taken;
  }

  /** Ask nothing more: logins still waiting are dropped; resolves once the calls under way are answered. */
  async stop(): Promise<void> {
    const dropped = await this.limiter.close();
    if (dropped > 0)
      this.log.warn('processor stopping: logins waiting for their webhook dropped (their sockets close at the auth deadline)', { dropped });
  }

  private async decide(login: WebhookLogin): Promise<void> {
    await this.write(login, await login.ask());
  }

  /** The login waited too long for a free call: refused as busy, without asking. */
  private async expire(login: WebhookLogin): Promise<void> {
    this.deps.stats.authBusy += 1;
    const { maxWaitMs } = this.deps.limits;
    const reason = `the auth server of ${login.app} is busy (the login waited over ${maxWaitMs} ms for a free call)`;
    await this.write(login, this.deps.authenticator.refuse(login.request, reason, this.deps.retryAfterMs));
  }

  private async write(login: WebhookLogin, verdict: LoginVerdict): Promise<void> {
    const effects = login.answer(verdict);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.deps.dispatcher.apply([effects]);
        return;
      } catch (error) {
        if (attempt >= this.deps.retries) {
          this.log.error('the answer to a login could not be written (its socket closes at the auth deadline)', {
            userId: login.request.userId,
            error: errorMessage(error),
          });
          return;
        }
        await delay(backoffMs(this.deps.retryBackoffMs, attempt));
      }
    }
  }
}
