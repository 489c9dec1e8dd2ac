import { AUTH_BUSY_RETRY_AFTER_MS, type AuthReplyData, type Envelope, type RefreshTokenReplyData } from '@linker/contracts';
import { parseUserId } from '@linker/topology';
import type { AuthRequest, LoginVerdict } from '../auth/authenticator';
import { Effects } from '../dispatch/effects';
import { systemEnvelope } from '../dispatch/envelopes';
import type { Handler, HandlerContext } from './handler';
import type { HandlerDeps } from './handler-deps';
import { intakeData, originOf } from './intake-data';

type LoginDeps = Pick<HandlerDeps, 'authenticator' | 'webhookLogins'>;

/**
 * AUTH_CLIENT: decides the login and answers the origin socket with `AUTH_CLIENT_REPLY {appId, userId,
 * isAuthenticated, expiresAt?, retryAfterMs?}` (RELIABLE, id `<id>.reply`). The connector registers presence before
 * it forwards the reply, and watches `expiresAt` (a JWT's `exp`). See `decideLogin` for when it is answered.
 */
export function authClientHandler(domain: string, deps: LoginDeps): Handler {
  return {
    async handle(envelope: Envelope, context: HandlerContext): Promise<void> {
      const { appId, userId, token } = intakeData(envelope, 'AUTH_CLIENT');
      const origin = originOf(envelope);
      const answer = (into: Effects, verdict: LoginVerdict): Effects => {
        const data: AuthReplyData = { appId, userId, isAuthenticated: verdict.accepted, ...extras(verdict) };
        const reply = systemEnvelope({ id: `${envelope.id}.reply`, type: 'AUTH_CLIENT_REPLY', to: userId, data, domain, now: context.now });
        into.deliverToSocket('RELIABLE', userId, reply, userId, origin);
        return into;
      };
      await decideLogin(deps, context, { appId, userId, token }, answer);
    },
  };
}

/**
 * REFRESH_TOKEN (docs/protocol.md, Token expiry): a fresh token for the session's user (the envelope's `from`, never
 * the client's word), checked as a login of that user and app is, answered with `REFRESH_TOKEN_REPLY
 * {isAuthenticated, expiresAt?, reason?, retryAfterMs?}` and the frame's reference to the origin socket, whose
 * connector then watches the new expiry. A token for another user, expired or refused is refused with its reason.
 */
export function refreshTokenHandler(domain: string, deps: LoginDeps): Handler {
  return {
    async handle(envelope: Envelope, context: HandlerContext): Promise<void> {
      const { token } = intakeData(envelope, 'REFRESH_TOKEN');
      const origin = originOf(envelope);
      const userId = envelope.from;
      const appId = context.view.app(parseUserId(userId)?.appName ?? '')?.appId ?? '';
      const answer = (into: Effects, verdict: LoginVerdict): Effects => {
        const data: RefreshTokenReplyData = { isAuthenticated: verdict.accepted, ...extras(verdict) };
        if (!verdict.accepted && verdict.reason !== undefined) data.reason = verdict.reason;
        const reply = systemEnvelope({
          id: `${envelope.id}.reply`,
          type: 'REFRESH_TOKEN_REPLY',
          to: userId,
          data,
          reference: envelope.reference,
          domain,
          now: context.now,
        });
        into.deliverToSocket('RELIABLE', userId, reply, userId, origin);
        return into;
      };
      await decideLogin(deps, context, { appId, userId, token }, answer);
    },
  };
}

/** `expiresAt` of an accepted token that has one, `retryAfterMs` of a login refused as busy. */
function extras({ expiresAt, retryAfterMs }: LoginVerdict): { expiresAt?: number; retryAfterMs?: number } {
  return { ...(expiresAt === undefined ? {} : { expiresAt }), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/**
 * What needs no I/O (the checks, `authEnabled: false`, a JWT of a static key) is answered in the batch, in record
 * order; a login a remote check decides (the app's `authUrl`, its `jwksUrl` key set) is handed to `WebhookLogins` and
 * answered when the check is (ADR 0012), so the batch does not wait for it. A login its app's queue has no room for
 * is refused at once, with `retryAfterMs`: the connector closes it with 4011 AUTH_BUSY, which invites a retry.
 */
async function decideLogin(
  { authenticator, webhookLogins }: LoginDeps,
  { view, effects, now }: HandlerContext,
  request: AuthRequest,
  answer: (into: Effects, verdict: LoginVerdict) => Effects,
): Promise<void> {
  const decision = await authenticator.decide(view, request, now);
  if ('verdict' in decision) {
    answer(effects, decision.verdict);
    return;
  }
  const { remote } = decision;
  if (webhookLogins.offer({ ...remote, request, answer: (verdict) => answer(new Effects(), verdict) })) return;
  const reason = `the auth server of ${remote.app} is busy (too many logins waiting for it)`;
  answer(effects, authenticator.refuse(request, reason, AUTH_BUSY_RETRY_AFTER_MS));
}
