import { BadRequestException } from '@nestjs/common';
import { LinkerError } from '@linker/kernel';
import type { MetaServerErrorCode } from '../errors';
import { httpError } from './http-errors';

/** The status each meta-server error is answered with (500: the error goes on to Nest, which answers 500). */
const STATUS: Record<MetaServerErrorCode, 400 | 500> = {
  INVALID_ARGUMENT: 400,
  TOPOLOGY_HISTORY_UNAVAILABLE: 500,
  TOPOLOGY_HISTORY_INCOMPLETE: 500,
};

describe('httpError', () => {
  it.each(Object.entries(STATUS))('answers %s with %s', (code, status) => {
    const error = new LinkerError<MetaServerErrorCode>(code as MetaServerErrorCode, 'from must be a user id');
    const answer = httpError(error);
    if (status === 500) return expect(answer).toBe(error);
    expect(answer).toBeInstanceOf(BadRequestException);
    expect((answer as BadRequestException).getStatus()).toBe(400);
    expect((answer as BadRequestException).message).toBe('from must be a user id');
  });

  it('leaves any other error to Nest', () => {
    const bug = new TypeError('oops');
    expect(httpError(bug)).toBe(bug);
    const elsewhere = new LinkerError<'BUS_CLOSED'>('BUS_CLOSED', 'closed');
    expect(httpError(elsewhere)).toBe(elsewhere);
  });
});
