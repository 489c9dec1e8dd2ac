import { BadRequestException } from '@nestjs/common';
import { answerFor, errorMessage } from '@linker/kernel';
import type { MetaServerErrorCode } from '../errors';

/**
 * The HTTP status a request that failed with each meta-server error is answered with: 400, with the error's message,
 * for the caller's mistake; 500 is Nest's own answer to an unexpected error (the message is logged, not sent).
 */
const HTTP_STATUS: Readonly<Record<MetaServerErrorCode, 400 | 500>> = {
  INVALID_ARGUMENT: 400,
  TOPOLOGY_HISTORY_UNAVAILABLE: 500,
  TOPOLOGY_HISTORY_INCOMPLETE: 500,
};

/** `error` as Nest should answer it (see `HTTP_STATUS`): a `BadRequestException` for a 400, else `error` itself. */
export function httpError(error: unknown): unknown {
  return answerFor(error, HTTP_STATUS) === 400 ? new BadRequestException(errorMessage(error)) : error;
}
