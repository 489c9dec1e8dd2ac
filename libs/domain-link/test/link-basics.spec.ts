import { linkEnvelope } from '@linker/testing/contracts/domain-link.contract';
import { backoffDelay } from '../src/backoff';
import { answerHello, challengeFrom, helloFor, linkProof, proofMatches, welcomeMatches } from '../src/link-auth';
import { LINK_CLOSE_CODES, linkCloseName, type LinkCloseName } from '../src/link-close-codes';
import { refused, type LinkErrorCode } from '../src/link-errors';
import {
  BATCH_OVERHEAD_BYTES,
  batchFrameText,
  checkEnvelopeSize,
  decodeDialerFrame,
  decodeServerFrame,
  prepareBatch,
} from '../src/link-frames';
import { DEFAULT_LINK_LIMITS, resolveLinkLimits } from '../src/link-limits';
import { isCleartextEndpoint, linkUrl } from '../src/link-url';
import { TokenBucket } from '../src/token-bucket';

describe('linkUrl', () => {
  it.each([
    ['tcp://10.0.0.1:9089', 'ws://10.0.0.1:9089/link'],
    ['ws://10.0.0.1:9089', 'ws://10.0.0.1:9089/link'],
    ['ws://link.example:9089/', 'ws://link.example:9089/link'],
    ['tcp://[::1]:9089', 'ws://[::1]:9089/link'],
    ['wss://link.example:9089', 'wss://link.example:9089/link'],
  ])('maps %s to %s', (endpoint, url) => expect(linkUrl(endpoint)).toBe(url));

  it.each(['http://h:1', 'https://h:1', 'wss://h', 'ws://h', 'ws://h:1/other', 'ws://u:p@h:1', 'h:1', '', 'tcp://h:1?x=1'])(
    'refuses %j with INVALID_LINK_ENDPOINT',
    (endpoint) => {
      expect(() => linkUrl(endpoint)).toThrow(expect.objectContaining({ code: 'INVALID_LINK_ENDPOINT', retriable: false }));
    },
  );

  it('tells unencrypted endpoints (tcp://, ws://) from wss:// and the twin’s memory://', () => {
    expect(['tcp://h:1', 'ws://h:1', 'WS://h:1'].map(isCleartextEndpoint)).toEqual([true, true, true]);
    expect(['wss://h:1', 'memory://domain-01'].map(isCleartextEndpoint)).toEqual([false, false]);
  });
});

describe('link frames', () => {
  it('splits a batch by count and by bytes, in order, all or nothing', () => {
    const envelopes = Array.from({ length: 7 }, () => linkEnvelope('a'));
    const bytes = Buffer.byteLength(JSON.stringify(envelopes[0]));
    expect(prepareBatch(envelopes, 1 << 20, 3).parts.map((p) => p.count)).toEqual([3, 3, 1]);
    const byBytes = prepareBatch(envelopes, BATCH_OVERHEAD_BYTES + 2 * bytes + 1, 100).parts;
    expect(byBytes.map((p) => p.count)).toEqual([2, 2, 2, 1]);
    const frames = byBytes.map((p, i) => decodeServerFrame(Buffer.from(batchFrameText(i + 1, p.body))));
    expect(frames.flatMap((f) => (f.type === 'batch' ? f.envelopes.map((e) => e.id) : []))).toEqual(envelopes.map((e) => e.id));
    for (const part of byBytes)
      expect(Buffer.byteLength(batchFrameText(Number.MAX_SAFE_INTEGER, part.body))).toBeLessThanOrEqual(
        BATCH_OVERHEAD_BYTES + 2 * bytes + 1,
      );
    const big = linkEnvelope('a', { data: 'x'.repeat(200) });
    expect(() => prepareBatch([...envelopes, big], 200, 100)).toThrow(
      expect.objectContaining({ code: 'LINK_FRAME_TOO_LARGE', retriable: false }),
    );
    expect(checkEnvelopeSize(envelopes[0], 1 << 20)).toBe(bytes);
  });

  it('decodes only the frames each side may receive, saying where a frame is wrong', () => {
    const decode = (side: (bytes: Buffer) => unknown, text: string) => () => side(Buffer.from(text));
    expect(decode(decodeServerFrame, '{"type":"ack","seq":1}')).toThrow(/unexpected type "ack"/);
    expect(decode(decodeDialerFrame, '{"type":"batch","seq":1,"envelopes":[]}')).toThrow(/unexpected type "batch"/);
    expect(decode(decodeServerFrame, 'nope')).toThrow(expect.objectContaining({ code: 'LINK_PROTOCOL_ERROR' }));
    expect(decode(decodeServerFrame, '{"type":"batch","seq":0,"envelopes":[]}')).toThrow(/batch frame is malformed at \/seq/);
    expect(decodeDialerFrame(Buffer.from('{"type":"nack","seq":3,"error":"E"}'))).toEqual({ type: 'nack', seq: 3, error: 'E' });
  });
});

describe('link auth', () => {
  const server = { domain: 'b', secretFor: () => 'k', acceptsPeer: (peer: string) => peer === 'a' };
  const dialer = { domain: 'a', secretFor: () => 'k' };

  it('completes both ways with the same secret, and proofs are bound to direction and nonce', () => {
    const challenge = challengeFrom('b');
    const answer = helloFor(dialer, 'b', challenge);
    if (!answer.ok) throw new Error('hello refused');
    const verdict = answerHello(server, challenge, answer.hello);
    if (!verdict.ok) throw new Error(verdict.why);
    expect(welcomeMatches(dialer, 'b', 'k', answer.hello, verdict.welcome)).toBe(true);
    expect(linkProof('k', 'a', 'b', 'n')).not.toBe(linkProof('k', 'b', 'a', 'n'));
    expect(proofMatches(linkProof('k', 'a', 'b', 'n'), linkProof('k', 'a', 'b', 'm'))).toBe(false);
    expect(proofMatches('short', 'longer')).toBe(false);
  });

  it('refuses a wrong proof, a stranger, itself, a missing secret, and a server with another name', () => {
    const challenge = challengeFrom('b');
    const hello = { type: 'hello' as const, domain: 'a', nonce: 'n'.repeat(16), proof: linkProof('other', 'a', 'b', challenge.nonce) };
    expect(answerHello(server, challenge, hello)).toMatchObject({ ok: false, close: 'AUTH_FAILED' });
    expect(answerHello(server, challenge, { ...hello, domain: 'z' })).toMatchObject({ ok: false, close: 'UNEXPECTED_PEER' });
    expect(answerHello({ ...server, acceptsPeer: () => true }, challenge, { ...hello, domain: 'b' })).toMatchObject({
      close: 'UNEXPECTED_PEER',
    });
    expect(answerHello({ ...server, secretFor: () => undefined }, challenge, hello)).toMatchObject({ close: 'UNEXPECTED_PEER' });
    expect(helloFor(dialer, 'c', challenge)).toMatchObject({ ok: false, close: 'AUTH_FAILED' });
  });
});

describe('limits, backoff, rate and close codes', () => {
  it('validates limits, listing every problem', () => {
    expect(resolveLinkLimits()).toEqual(DEFAULT_LINK_LIMITS);
    expect(() => resolveLinkLimits({ maxFrameBytes: 0, inboundBurst: 10, backoffMaxMs: 1 })).toThrow(
      /maxFrameBytes must be a positive integer.*inboundBurst must be at least maxBatchEnvelopes.*backoffMaxMs must be at least/,
    );
  });

  it('backs off with full jitter, doubling to the cap', () => {
    expect([1, 2, 3, 8, 50].map((n) => backoffDelay(n, 100, 10_000, () => 0.999999))).toEqual([99, 199, 399, 9999, 9999]);
    expect(backoffDelay(4, 100, 10_000, () => 0)).toBe(0);
  });

  it('refills a token bucket continuously up to its burst', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 20, () => now);
    expect(bucket.take(20)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now = 500;
    expect(bucket.take(5)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now = 100_000;
    expect(bucket.take(21)).toBe(false);
  });

  it('keeps one close-code table with distinct codes', () => {
    const codes = Object.values(LINK_CLOSE_CODES).map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(linkCloseName(4429)).toBe('FLOOD');
    expect(linkCloseName(1006)).toBeUndefined();
  });
});

/** The failure a dialer reports for each close code the peer refused its connection with (`lastFailure.code`). */
const REFUSALS: Record<LinkCloseName, LinkErrorCode> = {
  NORMAL: 'LINK_REFUSED',
  GOING_AWAY: 'LINK_REFUSED',
  TOO_BIG: 'LINK_FRAME_TOO_LARGE',
  PROTOCOL_ERROR: 'LINK_PROTOCOL_ERROR',
  AUTH_FAILED: 'LINK_AUTH_FAILED',
  UNEXPECTED_PEER: 'LINK_UNEXPECTED_PEER',
  HANDSHAKE_TIMEOUT: 'LINK_HANDSHAKE_TIMEOUT',
  FLOOD: 'LINK_FLOOD',
};

describe('refused', () => {
  it.each(Object.entries(REFUSALS))('reports a refusal with %s as a retriable %s, with the close code', (name, code) => {
    const failure = refused(name as LinkCloseName, 'refused');
    expect(failure).toMatchObject({ code, retriable: true, closeCode: LINK_CLOSE_CODES[name as LinkCloseName].code });
  });
});
