import type { BusErrorCode } from '@linker/bus';
import type { ErrorCode, Lane } from '@linker/contracts';
import { answerFor, LinkerError } from '@linker/kernel';

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
 * The client's code for each way a publish can fail: UNAVAILABLE for an outage of the lane's broker that ends by
 * itself, INTERNAL_ERROR for anything else; `IF_RETRIABLE`: the error's `retriable` says which (Kafka's own errors).
 */
const PUBLISH_FAILURES: Readonly<Record<BusErrorCode, 'UNAVAILABLE' | 'INTERNAL_ERROR' | 'IF_RETRIABLE'>> = {
  BUS_UNAVAILABLE: 'UNAVAILABLE',
  BUS_JOIN_TIMEOUT: 'UNAVAILABLE',
  BUS_NATS_ERROR: 'UNAVAILABLE',
  BUS_KAFKA_ERROR: 'IF_RETRIABLE',
  BUS_REFUSED: 'INTERNAL_ERROR',
  BUS_CLOSED: 'INTERNAL_ERROR',
  BUS_UNKNOWN_TOPIC: 'INTERNAL_ERROR',
  BUS_STORE_CORRUPT: 'INTERNAL_ERROR',
  INVALID_ARGUMENT: 'INTERNAL_ERROR',
};

/**
 * What the client is told when handing its frame to `lane` failed (a publish cut by an outage may still have reached
 * the broker: the client resends with the same id). An outage of the lane's broker that ends by itself
 * (`PUBLISH_FAILURES`; an error of no bus code: when retriable): UNAVAILABLE, naming the lane, with a retry hint.
 * Anything else is INTERNAL_ERROR.
 */
export function publishFailure(lane: Lane, error: unknown, what: string): PublishFailure {
  const answer = answerFor(error, PUBLISH_FAILURES) ?? 'IF_RETRIABLE';
  if (error instanceof LinkerError && (answer === 'UNAVAILABLE' || (answer === 'IF_RETRIABLE' && error.retriable))) {
    return {
      code: 'UNAVAILABLE',
      message: `the ${lane} lane is unavailable (${error.code}); ${what}: retry in ${UNAVAILABLE_RETRY_AFTER_MS} ms`,
      hint: { retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS, lane },
    };
  }
  return { code: 'INTERNAL_ERROR', message: `${what}: retry` };
}
