import type { Envelope } from '@linker/contracts';
import { Effects } from '../dispatch/effects';
import { systemEnvelope } from '../dispatch/envelopes';
import type { Handler, HandlerContext } from './handler';
import type { HandlerDeps } from './handler-deps';
import { intakeData, originOf } from './intake-data';

/**
 * AUTH_CLIENT: decides the login and answers the origin socket with `AUTH_CLIENT_REPLY {appId, userId,
 * isAuthenticated}` (RELIABLE, id `<id>.reply`). The connector registers presence before it forwards the reply.
 * What needs no I/O (the checks, `authEnabled: false`, JWT) is answered in the batch, in record order; a login its
 * app's `authUrl` decides is handed to `WebhookLogins` and answered when the webhook is (ADR 0012), so the batch
 * does not wait for it. A login its app's webhook queue has no room for is refused at once.
 */
export function authClientHandler(
  domain: string,
  { authenticator, webhookLogins }: Pick<HandlerDeps, 'authenticator' | 'webhookLogins'>,
): Handler {
  return {
    async handle(envelope: Envelope, { view, effects, now }: HandlerContext): Promise<void> {
      const { appId, userId, token } = intakeData(envelope, 'AUTH_CLIENT');
      const origin = originOf(envelope);
      const request = { appId, userId, token };
      const answer = (into: Effects, isAuthenticated: boolean): Effects => {
        const reply = systemEnvelope({
          id: `${envelope.id}.reply`,
          type: 'AUTH_CLIENT_REPLY',
          to: userId,
          data: { appId, userId, isAuthenticated },
          domain,
          now,
        });
        into.deliverToSocket('RELIABLE', userId, reply, userId, origin);
        return into;
      };
      const decision = await authenticator.decide(view, request, now);
      if ('accepted' in decision) {
        answer(effects, decision.accepted);
        return;
      }
      const offered = webhookLogins.offer({ ...decision.webhook, request, answer: (accepted) => answer(new Effects(), accepted) });
      if (offered) return;
      authenticator.refuse(request, `the auth server of ${decision.webhook.app} is busy (too many logins waiting for it)`);
      answer(effects, false);
    },
  };
}
