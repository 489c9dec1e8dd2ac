import type { BusErrorCode } from '@linker/bus';
import { LinkerError } from '@linker/kernel';
import { publishFailure, UNAVAILABLE_RETRY_AFTER_MS } from './publish-failure';

type Answer = 'UNAVAILABLE' | 'INTERNAL_ERROR';

/**
 * Each way the bus fails a publish, with the retriable flag it comes with (as `BusErrorCode` documents it), and the
 * code the client gets: UNAVAILABLE for an outage of the lane's broker, INTERNAL_ERROR for anything else.
 */
const ANSWERS: Record<BusErrorCode, Array<[retriable: boolean, answer: Answer]>> = {
  BUS_UNAVAILABLE: [[true, 'UNAVAILABLE']],
  BUS_JOIN_TIMEOUT: [[true, 'UNAVAILABLE']],
  BUS_NATS_ERROR: [[true, 'UNAVAILABLE']],
  BUS_KAFKA_ERROR: [
    [true, 'UNAVAILABLE'],
    [false, 'INTERNAL_ERROR'],
  ],
  BUS_REFUSED: [[false, 'INTERNAL_ERROR']],
  BUS_CLOSED: [[false, 'INTERNAL_ERROR']],
  BUS_UNKNOWN_TOPIC: [[false, 'INTERNAL_ERROR']],
  BUS_STORE_CORRUPT: [[false, 'INTERNAL_ERROR']],
  INVALID_ARGUMENT: [[false, 'INTERNAL_ERROR']],
};

const cases = Object.entries(ANSWERS).flatMap(([code, answers]) =>
  answers.map(([retriable, answer]) => [code as BusErrorCode, retriable, answer] as const),
);

describe('publishFailure', () => {
  it.each(cases)('%s (retriable: %s) is %s', (code, retriable, answer) => {
    const failure = publishFailure(
      'RELIABLE',
      new LinkerError<BusErrorCode>(code, 'it failed', { retriable }),
      'it may not have been accepted',
    );
    expect(failure.code).toBe(answer);
    expect(failure.hint).toEqual(answer === 'UNAVAILABLE' ? { retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS, lane: 'RELIABLE' } : undefined);
  });

  it('an outage of the lane is UNAVAILABLE, naming the lane and the cause, with a retry hint', () => {
    const failure = publishFailure(
      'RELIABLE',
      new LinkerError<BusErrorCode>('BUS_UNAVAILABLE', 'no broker', { retriable: true }),
      'it may not have been accepted',
    );
    expect(failure).toEqual({
      code: 'UNAVAILABLE',
      message: `the RELIABLE lane is unavailable (BUS_UNAVAILABLE); it may not have been accepted: retry in ${UNAVAILABLE_RETRY_AFTER_MS} ms`,
      hint: { retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS, lane: 'RELIABLE' },
    });
  });

  it('anything else is INTERNAL_ERROR, without a hint', () => {
    expect(
      publishFailure(
        'FAST',
        new LinkerError<BusErrorCode>('BUS_UNKNOWN_TOPIC', 'no topic', { retriable: false }),
        'it may not have been accepted',
      ),
    ).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'it may not have been accepted: retry',
    });
    expect(publishFailure('FAST', new Error('bug'), 'it may not have been accepted').code).toBe('INTERNAL_ERROR');
  });

  it('an error with no code of the bus is answered by its retriable flag', () => {
    expect(publishFailure('FAST', new LinkerError<'ELSEWHERE'>('ELSEWHERE', 'x', { retriable: true }), 'w').code).toBe('UNAVAILABLE');
    expect(publishFailure('FAST', new LinkerError<'ELSEWHERE'>('ELSEWHERE', 'x', { retriable: false }), 'w').code).toBe('INTERNAL_ERROR');
  });
});
