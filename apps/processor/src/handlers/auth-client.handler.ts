import type { Envelope } from '@linker/contracts';
import type { Authenticator } from '../auth/authenticator';
import { systemEnvelope } from '../dispatch/envelopes';
import type { Handler, HandlerContext } from './handler';
import { intakeData, originOf } from './intake-data';

/**
 * AUTH_CLIENT (SPEC §2.2): decides the login and answers the origin socket with `AUTH_CLIENT_REPLY
 * {appId, userId, isAuthenticated}` (RELIABLE). The connector registers presence before it forwards the reply.
 */
export function authClientHandler(domain: string, authenticator: Authenticator): Handler {
  return {
    async handle(envelope: Envelope, { view, effects, now }: HandlerContext): Promise<void> {
      const { appId, userId, token } = intakeData(envelope, 'AUTH_CLIENT');
      const origin = originOf(envelope);
      const isAuthenticated = await authenticator.authenticate(view, { appId, userId, token }, now);
      const reply = systemEnvelope({
        id: `${envelope.id}.reply`,
        type: 'AUTH_CLIENT_REPLY',
        to: userId,
        data: { appId, userId, isAuthenticated },
        domain,
        now,
      });
      effects.deliverToSocket('RELIABLE', userId, reply, userId, origin);
    },
  };
}
