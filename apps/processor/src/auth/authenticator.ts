import type { Logger } from '@linker/observability';
import { JwtVerifier, parseUserId, type TopologyView } from '@linker/topology';
import { webhookRefusal, type FetchFn } from './auth-webhook';

export interface AuthRequest {
  appId: string;
  userId: string;
  token?: string;
}

export interface AuthenticatorOptions {
  domain: string;
  timeoutMs: number;
  fetch: FetchFn;
  logger: Logger;
}

/** A login decided at once (`accepted`), or one its app's `authUrl` webhook must decide (`askWebhook`). */
export type AuthDecision = { accepted: boolean } | { webhook: WebhookTarget };

/** Where a login's webhook call goes: the app (logins are limited per app) and its `authUrl`. */
export interface WebhookTarget {
  app: string;
  url: string;
}

/**
 * Decides an AUTH_CLIENT, checks in order, the first failure refuses: the user id is `<appName>-<number>`; the app
 * exists; `appId` is the app's; the user's home domain is this domain; then the app's method: `authEnabled: false`
 * accepts; `jwtSecret`/`jwtPublicKey` → a valid, unexpired JWT whose `sub` is the user; else `authUrl` → the webhook;
 * an app with auth enabled and no method refuses. Everything but the webhook is decided at once, without I/O
 * (`decide`); the webhook call is the caller's to run (`askWebhook`), so that it never holds up the intake.
 * Never rejects: any failure is a refusal. Logs each refusal with its reason (never the token).
 */
export class Authenticator {
  private readonly jwt = new JwtVerifier();

  constructor(private readonly options: AuthenticatorOptions) {}

  async decide(view: TopologyView, request: AuthRequest, now: number): Promise<AuthDecision> {
    const checked = await this.check(view, request, now);
    if (typeof checked === 'object') return { webhook: checked };
    return { accepted: this.outcome(request, checked) };
  }

  /** Ask the app's auth server about a login `decide` left to it: true when it accepts within the timeout. */
  async askWebhook(url: string, request: AuthRequest): Promise<boolean> {
    const { appId, userId, token } = request;
    return this.outcome(request, await webhookRefusal(url, { appId, userId, token }, this.options.fetch, this.options.timeoutMs));
  }

  /** Log the refusal of a login for a reason of the caller's (such as a busy auth server). */
  refuse(request: AuthRequest, reason: string): void {
    this.outcome(request, reason);
  }

  private outcome(request: AuthRequest, refusal: string | undefined): boolean {
    if (refusal !== undefined) this.options.logger.info('login refused', { userId: request.userId, reason: refusal });
    return refusal === undefined;
  }

  /** A refusal reason, undefined when accepted, or the webhook that decides. */
  private async check(view: TopologyView, { appId, userId, token }: AuthRequest, now: number): Promise<string | undefined | WebhookTarget> {
    const parts = parseUserId(userId);
    if (!parts) return 'user id is not <appName>-<number>';
    const app = view.app(parts.appName);
    if (!app) return 'unknown app';
    if (app.appId !== appId) return 'wrong appId';
    if (!view.livesIn(userId, this.options.domain)) return 'home domain is another domain';
    if (app.authEnabled === false) return undefined;
    if (JwtVerifier.appliesTo(app)) return this.jwt.refusal(app, token, userId, now);
    if (app.authUrl !== undefined) return { app: app.appName, url: app.authUrl };
    return 'auth enabled but the app has no jwtSecret, jwtPublicKey or authUrl';
  }
}
