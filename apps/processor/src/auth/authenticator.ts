import type { Logger } from '@linker/observability';
import { JwtVerifier, parseUserId, type ClientApp, type JwksOptions, type TopologyView } from '@linker/topology';
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
  /** How `jwksUrl` key sets are fetched and kept. */
  jwks: JwksOptions;
  /** The time the webhook requests are signed with (epoch ms). */
  now: () => number;
  logger: Logger;
}

/**
 * A login's outcome: accepted (with the token's expiry, epoch ms, for a JWT) or refused with its reason (logged, and
 * told to a client refreshing its token); `retryAfterMs` when it was refused only because the auth server was busy.
 */
export interface LoginVerdict {
  accepted: boolean;
  expiresAt?: number;
  reason?: string;
  retryAfterMs?: number;
}

/** A login decided at once (`verdict`), or one a remote check (the app's `authUrl` or key set) must decide. */
export type AuthDecision = { verdict: LoginVerdict } | { remote: RemoteCheck };

/** A check that needs I/O: the app (such checks are limited per app) and how to run it. Never rejects. */
export interface RemoteCheck {
  app: string;
  ask(): Promise<LoginVerdict>;
}

const ACCEPTED: LoginVerdict = { accepted: true };

/**
 * Decides an AUTH_CLIENT (or a REFRESH_TOKEN: the same checks, for the session's user), checks in order, the first
 * failure refuses: the user id is `<appName>-<number>`; the app exists; `appId` is the app's; the user's home domain
 * is this domain; then the app's method: `authEnabled: false` accepts; `jwtSecret`/`jwtPublicKey`/`jwksUrl` → a
 * valid, unexpired JWT whose `sub` is the user; else `authUrl` → the webhook (signed with `authUrlSecret` when the app
 * has one); an app with auth enabled and no method refuses. What needs no I/O is decided at once (`decide`); a remote
 * check (the webhook, a key set that may have to be fetched) is the caller's to run (`remote`), so that it never holds
 * up the intake. Never rejects: any failure is a refusal. Logs each refusal with its reason (never the token).
 */
export class Authenticator {
  private readonly jwt: JwtVerifier;

  constructor(private readonly options: AuthenticatorOptions) {
    this.jwt = new JwtVerifier(options.jwks);
  }

  async decide(view: TopologyView, request: AuthRequest, now: number): Promise<AuthDecision> {
    const app = this.appOf(view, request);
    if (typeof app === 'string') return { verdict: this.refuse(request, app) };
    if (app.authEnabled === false) return { verdict: ACCEPTED };
    if (JwtVerifier.remote(app)) return { remote: { app: app.appName, ask: () => this.verifyJwt(app, request, this.options.now()) } };
    if (JwtVerifier.appliesTo(app)) return { verdict: await this.verifyJwt(app, request, now) };
    if (app.authUrl !== undefined) return { remote: { app: app.appName, ask: () => this.askWebhook(app, request) } };
    return { verdict: this.refuse(request, 'auth enabled but the app has no jwtSecret, jwtPublicKey, jwksUrl or authUrl') };
  }

  /** Log the refusal of a login for `reason`; the verdict that refuses it. */
  refuse(request: AuthRequest, reason: string, retryAfterMs?: number): LoginVerdict {
    this.options.logger.info('login refused', { userId: request.userId, reason });
    return retryAfterMs === undefined ? { accepted: false, reason } : { accepted: false, reason, retryAfterMs };
  }

  /** The app of a login that passed the checks before its method, or why it did not. */
  private appOf(view: TopologyView, { appId, userId }: AuthRequest): ClientApp | string {
    const parts = parseUserId(userId);
    if (!parts) return 'user id is not <appName>-<number>';
    const app = view.app(parts.appName);
    if (!app) return 'unknown app';
    if (app.appId !== appId) return 'wrong appId';
    if (!view.livesIn(userId, this.options.domain)) return 'home domain is another domain';
    return app;
  }

  private async verifyJwt(app: ClientApp, request: AuthRequest, now: number): Promise<LoginVerdict> {
    const verdict = await this.jwt.verify(app, request.token, request.userId, now);
    return verdict.accepted ? { accepted: true, expiresAt: verdict.expiresAt } : this.refuse(request, verdict.reason);
  }

  /** Ask the app's auth server: accepted when it says so within the timeout. */
  private async askWebhook(app: ClientApp, request: AuthRequest): Promise<LoginVerdict> {
    const { appId, userId, token } = request;
    const { fetch, timeoutMs, now } = this.options;
    const signing = app.authUrlSecret === undefined ? undefined : { secret: app.authUrlSecret, now };
    const refusal = await webhookRefusal(app.authUrl, { appId, userId, token }, fetch, timeoutMs, signing);
    return refusal === undefined ? ACCEPTED : this.refuse(request, refusal);
  }
}
