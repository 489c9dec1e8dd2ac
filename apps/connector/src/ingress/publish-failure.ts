import type { ErrorCode, Lane } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';

/** How long a client is told to wait before it sends again a frame that its lane could not take during an outage. */
export const UNAVAILABLE_RETRY_AFTER_MS = 2_000;

/** Extra fields of an `INVALID_MESSAGE` for a refusal a client may retry. */
export interface RetryHint {
  retryAfterMs: number;
  /** The lane that refused (UNAVAILABLE). */
  lane?: Lane;
}

export interface PublishFailure {
  code: ErrorCode;
  message: string;
  hint?: RetryHint;
}

/**
 * What the client is told when handing its frame to `lane` failed (a publish cut by an outage may still have reached
 * the broker: the client resends with the same id). A retriable error is an
 * outage of the lane's broker that ends by itself (the adapters' `BUS_UNAVAILABLE` and the like): UNAVAILABLE, naming
 * the lane, with a retry hint. Anything else is INTERNAL_ERROR.
 */
export function publishFailure(lane: Lane, error: unknown, what: string): PublishFailure {
  if (error instanceof LinkerError && error.retriable) {
    return {
      code: 'UNAVAILABLE',
      message: `the ${lane} lane is unavailable (${error.code}); ${what}: retry in ${UNAVAILABLE_RETRY_AFTER_MS} ms`,
      hint: { retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS, lane },
    };
  }
  return { code: 'INTERNAL_ERROR', message: `${what}: retry` };
}
