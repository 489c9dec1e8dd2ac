import { LinkerError } from '@linker/kernel';
import { publishFailure, UNAVAILABLE_RETRY_AFTER_MS } from './publish-failure';
import type { BusErrorCode } from '@linker/bus';

describe('publishFailure', () => {
  it('an outage of the lane (a retriable error) is UNAVAILABLE, naming the lane, with a retry hint', () => {
    const failure = publishFailure('RELIABLE', new LinkerError<BusErrorCode>('BUS_UNAVAILABLE', 'no broker', { retriable: true }), 'it may not have been accepted');
    expect(failure).toEqual({
      code: 'UNAVAILABLE',
      message: `the RELIABLE lane is unavailable (BUS_UNAVAILABLE); it may not have been accepted: retry in ${UNAVAILABLE_RETRY_AFTER_MS} ms`,
      hint: { retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS, lane: 'RELIABLE' },
    });
  });

  it('anything else is INTERNAL_ERROR, without a hint', () => {
    expect(publishFailure('FAST', new LinkerError<BusErrorCode>('BUS_UNKNOWN_TOPIC', 'no topic', { retriable: false }), 'it may not have been accepted')).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'it may not have been accepted: retry',
    });
    expect(publishFailure('FAST', new Error('bug'), 'it may not have been accepted').code).toBe('INTERNAL_ERROR');
  });
});
