import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  clientDataChecks,
  clientFrameBytes,
  clientFrameHeadCheck,
  clientFrameText,
  decodeDelivery,
  decodeEnvelope,
  encodeDelivery,
  DeliveryReport,
  encodeEnvelope,
  Envelope as EnvelopeSchema,
  envelopeHead,
  INTERNAL_TYPES,
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

  it('writes the routing facts and the data as two JSON lines, and still reads a record of one line', () => {
    const [head, data, more] = encodeEnvelope(envelope).toString().split('\n');
    expect(more).toBeUndefined();
    expect(JSON.parse(data)).toEqual(envelope.data);
    expect(JSON.parse(head)).toEqual({ ...envelope, data: undefined });
    expect(decodeEnvelope(Buffer.from(JSON.stringify(envelope)))).toEqual(envelope);
  });

  it('writes every field of the envelope schema but data in the first line', () => {
    const fields = Object.keys(EnvelopeSchema.properties)
      .filter((field) => field !== 'data')
      .sort();
    expect(Object.keys(envelopeHead(envelope)).sort()).toEqual(fields);
  });

  describe("a MESSAGE's content, once decoded, goes on as the bytes it came in", () => {
    const message: Envelope = { ...envelope, data: { content: 'hi' } };
    // Valid JSON that JSON.stringify would write otherwise (`\u0041` is "A"): seeing it again proves it was not re-encoded.
    const record = (data: string, of: Envelope = message): Buffer =>
      Buffer.from(`${encodeEnvelope(of).toString().split('\n')[0]}\n${data}`);

    it('into the delivery made from it, and into the frame its recipient gets', () => {
      const decoded = decodeEnvelope(record('{"content":"\\u0041"}'));
      expect(decoded.data).toEqual({ content: 'A' });
      const delivery = decodeDelivery(encodeDelivery({ envelope: decoded, targets: [{ userId: 'ANZ-1232121', socketIds: ['s1'] }] }));
      expect(encodeDelivery(delivery).toString().split('\n')[1]).toBe('{"content":"\\u0041"}');
      const frame = clientFrameBytes(delivery.envelope).toString();
      expect(frame).toContain('"content":"\\u0041"');
      expect(JSON.parse(frame)).toEqual(JSON.parse(clientFrameText(delivery.envelope)));
    });

    it.each([
      ['plain text', 'some thing here to send'],
      ['quotes, backslashes and line feeds', 'a "quoted"\\ line\nand another'],
      ['non-ASCII', 'héllo wörld — 你好 👋'],
      ['empty', ''],
    ])('the assembled frame is byte for byte what JSON.stringify writes: %s', (_name, content) => {
      for (const reference of ['abc123', undefined, 'with "quotes"']) {
        const decoded = decodeEnvelope(encodeEnvelope({ ...message, data: { content }, reference }));
        expect(clientFrameBytes(decoded).toString()).toBe(clientFrameText(decoded));
      }
    });

    it('only for exactly {content: string}: anything else is encoded afresh', () => {
      const other = decodeEnvelope(record('{"content":"\\u0041","extra":1}'));
      expect(encodeEnvelope(other).toString().split('\n')[1]).toBe('{"content":"A","extra":1}');
      expect(JSON.parse(clientFrameBytes(other).toString())).toEqual({
        type: 'MESSAGE',
        data: { from: envelope.from, content: 'A' },
        reference: 'abc123',
        id: envelope.id,
      });
      const report = decodeEnvelope(record('{"content":"\\u0041"}', { ...message, type: 'INVALID_MESSAGE' }));
      expect(encodeEnvelope(report).toString().split('\n')[1]).toBe('{"content":"A"}');
    });

    it('is frozen, so the bytes stay true to it', () => {
      const decoded = decodeEnvelope(encodeEnvelope(message));
      expect(Object.isFrozen(decoded.data)).toBe(true);
    });
  });

  it.each([
    ['not JSON', Buffer.from('{nope'), /not valid JSON/],
    ['data not JSON', Buffer.from(`${JSON.stringify({ ...envelope, data: undefined })}\n{nope`), /not valid JSON/],
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
  // The original README's examples, verbatim.
  const seedExamples = [
    { type: 'AUTH_CLIENT', data: { appId: 'app-id-343', userId: 'ANZ-123223', token: 'token-12345' } },
    { type: 'MESSAGE', data: { to: 'ANZ-1232121', content: 'some thing here to send' }, feature: 'RELIABLE', reference: 'abc123' },
    { type: 'GROUP_MESSAGE', data: { to: ['ANZ-1232121', 'ANZ-1232122'], content: 'some thing here to send' }, reference: 'abc123' },
    { type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count: 100 } },
  ] as const;

  it.each(seedExamples)('accepts the original README example $type', (frame) => {
    expect(clientFrameHeadCheck.Check(frame)).toBe(true);
    expect(isClientFrameType(frame.type)).toBe(true);
    if (isClientFrameType(frame.type)) expect(clientDataChecks[frame.type].Check(frame.data)).toBe(true);
  });

  it('refuses a spoofed top-level `from` and an extra data field', () => {
    expect(clientFrameHeadCheck.Check({ type: 'MESSAGE', data: {}, from: 'ANZ-1' })).toBe(false);
    expect(clientDataChecks.MESSAGE.Check({ to: 'ANZ-1', content: 'x', from: 'ANZ-2' })).toBe(false);
  });

  it('knows no internal type as a client type (a client can never send one)', () => {
    for (const type of [
      'INTERNAL_MESSAGE',
      'MESSAGE_STATE_CHANGED',
      'USER_CONNECTED',
      'USER_DISCONNECTED',
      'GROUP_CONNECTOR_MESSAGE',
      'toString',
      ...Object.values(INTERNAL_TYPES),
    ]) {
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
