import {
  answerFor,
  LinkerError,
  isRetriable,
  errorMessage,
  newMessageId,
  resendableMessageId,
  resendableRecipientMessageId,
} from '@linker/kernel';

/** A closed set of codes, as a lib declares its own. */
type DoorErrorCode = 'DOOR_JAMMED' | 'DOOR_LOCKED';

describe('LinkerError', () => {
  it('carries code, retriable and cause', () => {
    const cause = new Error('socket hang up');
    const error = new LinkerError<DoorErrorCode>('DOOR_JAMMED', 'the door did not open', { retriable: true, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('DOOR_JAMMED');
    expect(error.retriable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('LinkerError');
  });

  it('is not retriable unless said so; unknown errors are', () => {
    expect(isRetriable(new LinkerError<DoorErrorCode>('DOOR_LOCKED', 'bad'))).toBe(false);
    expect(isRetriable(new Error('boom'))).toBe(true);
    expect(errorMessage('plain')).toBe('plain');
  });

  it('takes only a code of the set it names (checked when compiling: `npm test` type-checks this file)', () => {
    // @ts-expect-error a code outside the set: a typo does not compile
    const typo = new LinkerError<DoorErrorCode>('DOOR_JAMED', 'typo');
    // @ts-expect-error a code thrown without naming its set does not compile either
    const unnamed = new LinkerError('DOOR_JAMMED', 'no set');
    const fromFactory = (): LinkerError<DoorErrorCode> => new LinkerError('DOOR_LOCKED', 'the set of the return type');
    expect([typo.code, unnamed.code, fromFactory().code]).toEqual(['DOOR_JAMED', 'DOOR_JAMMED', 'DOOR_LOCKED']);
  });
});

describe('answerFor', () => {
  const table: Record<DoorErrorCode, number> = { DOOR_JAMMED: 503, DOOR_LOCKED: 403 };

  it("is the table's answer for a LinkerError whose code the table has", () => {
    expect(answerFor(new LinkerError<DoorErrorCode>('DOOR_JAMMED', 'x'), table)).toBe(503);
    expect(answerFor(new LinkerError<DoorErrorCode>('DOOR_LOCKED', 'x'), table)).toBe(403);
  });

  it('is undefined for another code, another error, or a code that is only a property of the object', () => {
    expect(answerFor(new LinkerError<'WINDOW_OPEN'>('WINDOW_OPEN', 'x'), table)).toBeUndefined();
    expect(answerFor(Object.assign(new Error('x'), { code: 'DOOR_JAMMED' }), table)).toBeUndefined();
    expect(answerFor(new LinkerError<'toString'>('toString', 'x'), table)).toBeUndefined();
  });
});

describe('newMessageId', () => {
  it('makes unique ids that sort in creation order', () => {
    const ids = Array.from({ length: 1000 }, () => newMessageId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('resendableMessageId', () => {
  it('is the same UUID for the same user and client id, and differs when either differs', () => {
    const id = resendableMessageId('ANZ-1', 'c-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(resendableMessageId('ANZ-1', 'c-1')).toBe(id);
    expect(resendableMessageId('ANZ-2', 'c-1')).not.toBe(id);
    expect(resendableMessageId('ANZ-1', 'c-2')).not.toBe(id);
    expect(resendableMessageId('ANZ-1\nc', '1')).not.toBe(resendableMessageId('ANZ-1', 'c\n1'));
  });

  it('has a per-recipient form: the same for the same sender, id and recipient, and never a client frame id', () => {
    const id = resendableRecipientMessageId('ANZ-1', 'c-1', 'ANZ-2');
    expect(resendableRecipientMessageId('ANZ-1', 'c-1', 'ANZ-2')).toBe(id);
    expect(resendableRecipientMessageId('ANZ-1', 'c-1', 'ANZ-3')).not.toBe(id);
    expect(resendableRecipientMessageId('ANZ-1', 'c-2', 'ANZ-2')).not.toBe(id);
    expect(id).not.toBe(resendableMessageId('ANZ-1', 'c-1'));
  });
});
