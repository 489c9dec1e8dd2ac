import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  clientDataChecks,
  clientFrameHeadCheck,
  decodeEnvelope,
  DeliveryReport,
  encodeEnvelope,
  isClientFrameType,
  type Envelope,
} from '@linker/contracts';
import { LinkerError, newMessageId } from '@linker/kernel';

const envelope: Envelope = {
  id: newMessageId(),
  lane: 'RELIABLE',
  type: 'MESSAGE',
  from: 'ANZ-123223',
  to: 'ANZ-1232121',
  data: { from: 'ANZ-123223', content: 'hi' },
  reference: 'abc123',
  confirm: true,
  origin: { domain: 'domain-01', connector: 'connector-01', socketId: '7' },
  path: ['domain-01'],
  createdAt: 1_700_000_000_000,
  hops: 0,
};

describe('envelope codec', () => {
  it('round-trips', () => {
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });

  it.each([
    ['not JSON', Buffer.from('{nope'), /not valid JSON/],
    ['no id', encodeEnvelope({ ...envelope, id: '' }), /malformed at \/id/],
    ['unknown lane', Buffer.from(JSON.stringify({ ...envelope, lane: 'SLOW' })), /malformed at \/lane/],
    ['negative hops', Buffer.from(JSON.stringify({ ...envelope, hops: -1 })), /malformed at \/hops/],
  ])('refuses %s with a non-retriable INVALID_ENVELOPE', (_name, bytes, message) => {
    let thrown: unknown;
    try {
      decodeEnvelope(bytes);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LinkerError);
    expect((thrown as LinkerError).code).toBe('INVALID_ENVELOPE');
    expect((thrown as LinkerError).retriable).toBe(false);
    expect((thrown as LinkerError).message).toMatch(message);
  });
});

describe('client frames', () => {
  // The seed README's examples, verbatim.
  const seedExamples = [
    { type: 'AUTH_CLIENT', data: { appId: 'app-id-343', userId: 'ANZ-123223', token: 'token-12345' } },
    { type: 'MESSAGE', data: { to: 'ANZ-1232121', content: 'some thing here to send' }, feature: 'RELIABLE', reference: 'abc123' },
    { type: 'GROUP_MESSAGE', data: { to: ['ANZ-1232121', 'ANZ-1232122'], content: 'some thing here to send' }, reference: 'abc123' },
    { type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 100 } },
  ] as const;

  it.each(seedExamples)('accepts the seed example $type', (frame) => {
    expect(clientFrameHeadCheck.Check(frame)).toBe(true);
    expect(isClientFrameType(frame.type)).toBe(true);
    if (isClientFrameType(frame.type)) expect(clientDataChecks[frame.type].Check(frame.data)).toBe(true);
  });

  it('refuses a spoofed top-level `from` and an extra data field', () => {
    expect(clientFrameHeadCheck.Check({ type: 'MESSAGE', data: {}, from: 'ANZ-1' })).toBe(false);
    expect(clientDataChecks.MESSAGE.Check({ to: 'ANZ-1', content: 'x', from: 'ANZ-2' })).toBe(false);
  });

  it('knows no internal type as a client type', () => {
    for (const type of ['INTERNAL_MESSAGE', 'MESSAGE_STATE_CHANGED', 'USER_CONNECTED', 'USER_DISCONNECTED', 'GROUP_CONNECTOR_MESSAGE', 'toString']) {
      expect(isClientFrameType(type)).toBe(false);
    }
  });

  it('wants a positive integer count and a non-empty recipient list', () => {
    expect(clientDataChecks.FETCH_MISSING_MESSAGES_REQUEST.Check({ count: 0 })).toBe(false);
    expect(clientDataChecks.FETCH_MISSING_MESSAGES_REQUEST.Check({ count: 2.5 })).toBe(false);
    expect(clientDataChecks.GROUP_MESSAGE.Check({ to: [], content: 'x' })).toBe(false);
  });
});

describe('delivery report', () => {
  const check = TypeCompiler.Compile(DeliveryReport);

  it('carries parked messages, and stays readable without the list (reports of older connectors)', () => {
    expect(check.Check({ delivered: [], undelivered: [], parked: [{ userId: 'ANZ-1232121', envelope }] })).toBe(true);
    expect(check.Check({ delivered: [], undelivered: [] })).toBe(true);
  });

  it('refuses a parked entry without its recipient or envelope', () => {
    expect(check.Check({ delivered: [], undelivered: [], parked: [{ envelope }] })).toBe(false);
    expect(check.Check({ delivered: [], undelivered: [], parked: [{ userId: 'ANZ-1232121' }] })).toBe(false);
  });
});
