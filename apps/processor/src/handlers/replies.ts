import type { Envelope, ErrorCode } from '@linker/contracts';
import type { UnreachableReason, UnroutableReason } from '@linker/routing';
import type { Effects } from '../dispatch/effects';
import { errorEnvelope } from '../dispatch/envelopes';

/**
 * Answer the socket `cause` came from with `INVALID_MESSAGE {code, message}` and the cause's reference (RELIABLE,
 * keyed by the sender). A cause without an origin socket has no one to answer; nothing is sent.
 */
export function replyError(
  effects: Effects,
  cause: Envelope,
  suffix: string,
  code: ErrorCode,
  message: string,
  domain: string,
  now: number,
): void {
  if (!cause.origin) return;
  effects.deliverToSocket('RELIABLE', cause.from, errorEnvelope(cause, suffix, code, message, domain, now), cause.from, cause.origin);
}

/** Why a recipient is refused, as its sender is told: its id names no client app, or its home is out of reach. */
export type Refusal = 'unknown-app' | 'unreachable';

/** The refusal for a recipient `routeUser` neither delivers here nor forwards, by the reason of its route. */
export function refusalOf(reason: UnreachableReason | UnroutableReason): Refusal {
  return reason === 'invalid-user-id' || reason === 'unknown-app' ? 'unknown-app' : 'unreachable';
}

/** The INVALID_MESSAGE for a recipient that is not local: no such app, or a home domain out of reach. */
export function replyNotLocal(effects: Effects, cause: Envelope, kind: Refusal, names: string, domain: string, now: number): void {
  if (kind === 'unknown-app') replyError(effects, cause, 'unknown-app', 'UNKNOWN_RECIPIENT_APP', `no client app for ${names}`, domain, now);
  else
    replyError(
      effects,
      cause,
      'unreachable',
      'UNREACHABLE_DOMAIN',
      `the home domain of ${names} cannot be reached from ${domain}`,
      domain,
      now,
    );
}

/** A list of user ids for an error message: the first few, then how many more. */
export function nameList(userIds: readonly string[], shown = 20): string {
  const head = userIds.slice(0, shown).join(', ');
  return userIds.length > shown ? `${head} and ${userIds.length - shown} more` : head;
}
