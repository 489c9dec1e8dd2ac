import { LinkerError } from '@linker/kernel';
import { publishFailure, UNAVAILABLE_RETRY_AFTER_MS } from './publish-failure';

describe('publishFailure', () => {
  it('an outage of the lane (a retriable error) is UNAVAILABLE, naming the lane, with a retry hint', () => {
    const failure = publishFailure('RELIABLE', new LinkerError('BUS_UNAVAILABLE', 'no broker', { retriable: true }), 'nothing was sent');
    expect(failure).toEqual({
      code: 'UNAVAILABLE',
      message: `the RELIABLE lane is unavailable (BUS_UNAVAILABLE); nothing was sent: retry in ${UNAVAILABLE_RETRY_AFTER_MS} ms`,
      hint: { retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS, lane: 'RELIABLE' },
    });
  });

  it('anything else is INTERNAL_ERROR, without a hint', () => {
    expect(publishFailure('FAST', new LinkerError('BUS_UNKNOWN_TOPIC', 'no topic', { retriable: false }), 'nothing was sent')).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'nothing was sent: retry',
    });
    expect(publishFailure('FAST', new Error('bug'), 'nothing was sent').code).toBe('INTERNAL_ERROR');
  });
});
