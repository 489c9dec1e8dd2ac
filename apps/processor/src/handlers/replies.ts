import type { Envelope, ErrorCode } from '@linker/contracts';
import type { Effects } from '../dispatch/effects';
import { errorEnvelope } from '../dispatch/envelopes';

/**
 * Answer the socket `cause` came from with `INVALID_MESSAGE {code, message}` and the cause's reference (RELIABLE,
 * keyed by the sender). A cause without an origin socket has no one to answer; nothing is sent.
 */
export function replyError(effects: Effects, cause: Envelope, suffix: string, code: ErrorCode, message: string, domain: string, now: number): void {
  if (!cause.origin) return;
  effects.deliverToSocket('RELIABLE', cause.from, errorEnvelope(cause, suffix, code, message, domain, now), cause.from, cause.origin);
}

/** The INVALID_MESSAGE for a recipient that is not local: no such app, or a home domain out of reach. */
export function replyNotLocal(effects: Effects, cause: Envelope, kind: 'unknown-app' | 'unreachable', names: string, domain: string, now: number): void {
  if (kind === 'unknown-app') replyError(effects, cause, 'unknown-app', 'UNKNOWN_RECIPIENT_APP', `no client app for ${names}`, domain, now);
  else replyError(effects, cause, 'unreachable', 'UNREACHABLE_DOMAIN', `the home domain of ${names} cannot be reached from ${domain}`, domain, now);
}
