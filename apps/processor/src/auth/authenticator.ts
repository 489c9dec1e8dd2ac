import type { Logger } from '@linker/observability';
import { parseUserId, type TopologyView } from '@linker/topology';
import { webhookRefusal, type FetchFn } from './auth-webhook';
import { JwtVerifier } from './jwt-verifier';

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

/**
 * Decides an AUTH_CLIENT (SPEC §2.2), checks in order, the first failure refuses: the user id is
 * `<appName>-<number>`; the app exists; `appId` is the app's; the user's home domain is this domain; then the app's
 * method: `authEnabled: false` accepts; `jwtSecret`/`jwtPublicKey` → a valid, unexpired JWT whose `sub` is the user;
 * else `authUrl` → the webhook; an app with auth enabled and no method refuses. Never rejects: any failure is false.
 * Logs each refusal with its reason (never the token).
 */
export class Authenticator {
  private readonly jwt = new JwtVerifier();

  constructor(private readonly options: AuthenticatorOptions) {}

  async authenticate(view: TopologyView, request: AuthRequest, now: number): Promise<boolean> {
    const refusal = await this.refusal(view, request, now);
    if (refusal !== undefined) this.options.logger.info('login refused', { userId: request.userId, reason: refusal });
    return refusal === undefined;
  }

  private async refusal(view: TopologyView, { appId, userId, token }: AuthRequest, now: number): Promise<string | undefined> {
    const parts = parseUserId(userId);
    if (!parts) return 'user id is not <appName>-<number>';
    const app = view.app(parts.appName);
    if (!app) return 'unknown app';
    if (app.appId !== appId) return 'wrong appId';
    if (!view.livesIn(userId, this.options.domain)) return 'home domain is another domain';
    if (app.authEnabled === false) return undefined;
    if (JwtVerifier.appliesTo(app)) return this.jwt.refusal(app, token, userId, now);
    if (app.authUrl !== undefined) return webhookRefusal(app.authUrl, { appId, userId, token }, this.options.fetch, this.options.timeoutMs);
    return 'auth enabled but the app has no jwtSecret, jwtPublicKey or authUrl';
  }
}
