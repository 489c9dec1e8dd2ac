import { AckBatcher, MAX_ACK_IDS } from './ack-batcher';
import { backoffDelay, DEFAULT_RECONNECT, reconnectOptions } from './backoff';
import { TypedEmitter } from './emitter';
import { LinkerClientError } from './errors';
import { FetchQueue } from './fetch-queue';
import { parseServerFrame, readConfirmation, readError, readMessage } from './inbound';
import { clientFrameText, ReferenceMaker } from './outbound';

describe('backoffDelay', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 1 };

  it('grows by the factor per attempt and never passes maxDelayMs (random at its top: no jitter taken off)', () => {
    const caps = [1, 2, 3, 4, 5, 6, 10, 50].map((attempt) => backoffDelay(attempt, options, () => 0));
    expect(caps).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000]);
  });

  it('full jitter spreads the delay uniformly in [0, cap]', () => {
    expect(backoffDelay(3, options, () => 0.999)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(200);
    for (let i = 0; i < 200; i += 1) {
      const delay = backoffDelay(4, options);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });

  it('partial jitter keeps a floor of (1 - jitter) · cap; jitter 0 is deterministic', () => {
    expect(backoffDelay(2, { ...options, jitter: 0.25 }, () => 0.999)).toBe(150);
    expect(backoffDelay(2, { ...options, jitter: 0 }, Math.random)).toBe(200);
  });

  it('fills partial options from the defaults, and false means no reconnect', () => {
    expect(reconnectOptions(undefined)).toEqual(DEFAULT_RECONNECT);
    expect(reconnectOptions({ maxDelayMs: 5 })).toEqual({ ...DEFAULT_RECONNECT, maxDelayMs: 5 });
    expect(reconnectOptions(false)).toBe(false);
  });
});

describe('AckBatcher', () => {
  it('sends one batch per tick, after the synchronous code that queued the ids', async () => {
    const sent: string[][] = [];
    const batcher = new AckBatcher((ids) => (sent.push(ids), true));
    batcher.add('1');
    batcher.add('2');
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    batcher.add('3');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toEqual([['1', '2'], ['3']]);
  });

  it('splits big batches and drops what cannot be sent', () => {
    const sent: string[][] = [];
    const batcher = new AckBatcher((ids) => (sent.push(ids), true));
    for (let i = 0; i < MAX_ACK_IDS + 1; i += 1) batcher.add(String(i));
    batcher.flush();
    expect(sent.map((batch) => batch.length)).toEqual([MAX_ACK_IDS, 1]);
    const refused = new AckBatcher(() => false);
    refused.add('x');
    refused.flush();
    refused.flush(); // nothing left to retry
  });
});

describe('TypedEmitter', () => {
  class Emitter extends TypedEmitter<{ tick: number }> {
    fire(n: number): void {
      this.emit('tick', n);
    }
  }

  it('runs listeners in order, once-listeners once, and survives a listener that throws', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter((error) => errors.push(error));
    const seen: string[] = [];
    emitter.on('tick', (n) => seen.push(`a${n}`));
    emitter.on('tick', () => {
      throw new Error('boom');
    });
    emitter.once('tick', (n) => seen.push(`once${n}`));
    const off = emitter.on('tick', (n) => seen.push(`b${n}`));
    emitter.fire(1);
    off();
    emitter.fire(2);
    expect(seen).toEqual(['a1', 'once1', 'b1', 'a2']);
    expect(errors).toHaveLength(2);
    expect(emitter.listenerCount('tick')).toBe(2);
  });
});

describe('FetchQueue', () => {
  it('gives messages to the oldest fetch and resolves fetches in order', async () => {
    const queue = new FetchQueue();
    expect(queue.collect({ from: 'a', content: 'live' })).toBe(false);
    const first = queue.start('r1');
    const second = queue.start('r2');
    queue.collect({ from: 'a', content: '1' });
    queue.complete(0);
    queue.collect({ from: 'a', content: '2' });
    queue.complete(5);
    await expect(first).resolves.toEqual({ messages: [{ from: 'a', content: '1' }], leftMissingCount: 0 });
    await expect(second).resolves.toEqual({ messages: [{ from: 'a', content: '2' }], leftMissingCount: 5 });
    expect(queue.complete(0)).toBeUndefined();
  });

  it('rejects one fetch by reference, or all of them', async () => {
    const queue = new FetchQueue();
    const a = queue.start('a');
    const b = queue.start('b');
    expect(queue.reject('b', new LinkerClientError('REJECTED', 'no'))).toBe(true);
    expect(queue.reject('zzz', new LinkerClientError('REJECTED', 'no'))).toBe(false);
    queue.rejectAll(new LinkerClientError('CONNECTION_CLOSED', 'gone'));
    await expect(b).rejects.toMatchObject({ code: 'REJECTED' });
    await expect(a).rejects.toMatchObject({ code: 'CONNECTION_CLOSED', retriable: true });
    expect(queue.active).toBe(false);
  });
});

describe('frames', () => {
  it('reads server frames defensively', () => {
    expect(parseServerFrame('not json')).toBeUndefined();
    expect(parseServerFrame('[1]')).toBeUndefined();
    expect(parseServerFrame('{"data":{}}')).toBeUndefined();
    expect(parseServerFrame(Buffer.from('{}'))).toBeUndefined();
    expect(parseServerFrame('{"type":"PONG"}')).toEqual({ type: 'PONG', data: {} });
    const message = parseServerFrame('{"type":"MESSAGE","data":{"from":"ANZ-1","content":"hi"},"reference":7,"id":"m1"}');
    expect(readMessage(message!)).toEqual({ from: 'ANZ-1', content: 'hi', reference: '7', id: 'm1' });
    expect(readMessage({ type: 'MESSAGE', data: { from: 'ANZ-1' } })).toBeUndefined();
    expect(readConfirmation({ type: 'MESSAGE_CONFIRMATION', data: {} })).toBeUndefined();
    expect(readError({ type: 'INVALID_MESSAGE', data: null })).toEqual({ code: 'UNKNOWN', message: '' });
    expect(readError({ type: 'INVALID_MESSAGE', data: { code: 'OVERLOADED', message: 'm', retryAfterMs: 1000 }, reference: 'r' })).toEqual({
      code: 'OVERLOADED',
      message: 'm',
      reference: 'r',
      retryAfterMs: 1000,
    });
    const unavailable = { code: 'UNAVAILABLE', message: 'm', retryAfterMs: 2000, lane: 'RELIABLE' };
    expect(readError({ type: 'INVALID_MESSAGE', data: unavailable })).toEqual(unavailable);
    expect(readError({ type: 'INVALID_MESSAGE', data: { ...unavailable, lane: 'SLOW' } })).toEqual({
      code: 'UNAVAILABLE',
      message: 'm',
      retryAfterMs: 2000,
    });
  });

  it('writes client frames with absent fields omitted', () => {
    expect(clientFrameText('PING', {})).toBe('{"type":"PING","data":{}}');
    expect(
      JSON.parse(clientFrameText('MESSAGE', { to: 'b', content: 'c' }, { reference: 'r', feature: 'FAST', confirmationEnabled: false })),
    ).toEqual({ type: 'MESSAGE', data: { to: 'b', content: 'c' }, reference: 'r', feature: 'FAST', confirmationEnabled: false });
  });

  it('makes distinct references', () => {
    const maker = new ReferenceMaker(Math.random);
    const references = new Set(Array.from({ length: 100 }, () => maker.next()));
    expect(references.size).toBe(100);
  });
});
