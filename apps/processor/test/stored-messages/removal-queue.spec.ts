import type { Envelope } from '@linker/contracts';
import { LinkerError } from '@linker/kernel';
import { MemoryMailbox, type Mailbox, type MailboxErrorCode } from '@linker/mailbox';
import { RecordingLogger, waitFor } from '@linker/testing';
import { RemovalQueue } from '../../src/stored-messages/removal-queue';

const message = (id: string, n: number): Envelope => ({
  id,
  lane: 'RELIABLE',
  type: 'MESSAGE',
  from: 'ANZ-1',
  to: 'ANZ-2',
  data: { content: id },
  path: ['d'],
  createdAt: n,
  hops: 0,
});

/** A mailbox whose removals are recorded and wait for `release()`, one call at a time; `failures` make the next ones reject. */
class GatedMailbox {
  readonly inner = new MemoryMailbox();
  readonly calls: Array<{ userId: string; ids: string[] }> = [];
  failures: Error[] = [];
  private gates: Array<() => void> = [];

  readonly mailbox: Mailbox = Object.assign(Object.create(this.inner) as Mailbox, {
    remove: async (userId: string, ids: readonly string[]) => {
      this.calls.push({ userId, ids: [...ids].sort() });
      await new Promise<void>((resolve) => this.gates.push(resolve));
      const failure = this.failures.shift();
      if (failure) throw failure;
      return this.inner.remove(userId, ids);
    },
  });

  async fill(userId: string, ids: string[]): Promise<void> {
    await this.inner.store(ids.map((id, n) => ({ userId, envelope: message(id, n) })));
  }

  /** Let the removal under way finish (once it has started). */
  async release(calls: number): Promise<void> {
    await waitFor(`removal call ${calls}`, () => this.calls.length >= calls && this.gates.length > 0);
    this.gates.shift()?.();
  }
}

describe('RemovalQueue', () => {
  let store: GatedMailbox;
  let logger: RecordingLogger;
  let queue: RemovalQueue;

  beforeEach(() => {
    store = new GatedMailbox();
    logger = new RecordingLogger();
    queue = new RemovalQueue({ mailbox: store.mailbox, logger, retryBackoffMs: 1 });
  });

  it('removes one user at a time, merging what is reported while a removal runs into the next one; users alongside', async () => {
    await store.fill('u1', ['a', 'b', 'c', 'd', 'e']);
    await store.fill('u2', ['x']);
    expect(queue.add('u1', ['a', 'b'])).toBeUndefined(); // the caller does not wait
    queue.add('u1', ['b']); // the same turn: joins the first call
    await waitFor('the first removal to start', () => store.calls.length === 1);
    queue.add('u1', ['c', 'd']);
    queue.add('u2', ['x']);
    queue.add('u1', ['e', 'c']);
    expect(queue.size).toBe(6);
    await waitFor('the removal of u2 alongside', () => store.calls.length === 2);
    expect(store.calls).toEqual([
      { userId: 'u1', ids: ['a', 'b'] },
      { userId: 'u2', ids: ['x'] },
    ]);
    await store.release(1);
    await store.release(2);
    await store.release(3);
    await queue.drained();
    expect(store.calls[2]).toEqual({ userId: 'u1', ids: ['c', 'd', 'e'] });
    expect(store.calls).toHaveLength(3);
    expect(queue.size).toBe(0);
    expect(await store.inner.count('u1')).toBe(0);
    expect(await store.inner.count('u2')).toBe(0);
  });

  it('retries a failed removal with what was reported meanwhile, until it succeeds', async () => {
    await store.fill('u1', ['a', 'b']);
    store.failures = [new LinkerError<MailboxErrorCode>('MAILBOX_UNAVAILABLE', 'down', { retriable: true })];
    queue.add('u1', ['a']);
    await waitFor('the first removal to start', () => store.calls.length === 1);
    queue.add('u1', ['b']);
    await store.release(1);
    await store.release(2);
    await queue.drained();
    expect(store.calls).toEqual([
      { userId: 'u1', ids: ['a'] },
      { userId: 'u1', ids: ['a', 'b'] },
    ]);
    expect(await store.inner.count('u1')).toBe(0);
    expect(logger.count('warn', 'removal of delivered messages failed; retrying')).toBe(1);
  });

  it('once closing, gives a removal up after its attempts: the messages stay stored, and it says so', async () => {
    queue = new RemovalQueue({ mailbox: store.mailbox, logger, retryBackoffMs: 1, attemptsWhenClosing: 2 });
    await store.fill('u1', ['a']);
    const down = (): Error => new LinkerError<MailboxErrorCode>('MAILBOX_UNAVAILABLE', 'down', { retriable: true });
    store.failures = [down(), down()];
    queue.add('u1', ['a']);
    const closed = queue.close();
    await store.release(1);
    await store.release(2);
    await closed;
    expect(store.calls).toHaveLength(2);
    expect(queue.size).toBe(0);
    expect(await store.inner.count('u1')).toBe(1);
    expect(logger.count('error', 'removal of delivered messages given up')).toBe(1);
  });

  it('gives up at once on a failure that is not retriable', async () => {
    await store.fill('u1', ['a']);
    store.failures = [new LinkerError<MailboxErrorCode>('MAILBOX_CLOSED', 'the mailbox is closed', { retriable: false })];
    queue.add('u1', ['a']);
    await store.release(1);
    await queue.drained();
    expect(store.calls).toHaveLength(1);
    expect(queue.size).toBe(0);
    expect(logger.count('error', 'removal of delivered messages given up')).toBe(1);
  });

  it('asks its caller to wait while more than maxPending ids are pending', async () => {
    queue = new RemovalQueue({ mailbox: store.mailbox, logger, maxPending: 2 });
    await store.fill('u1', ['a', 'b', 'c']);
    expect(queue.add('u1', ['a', 'b'])).toBeUndefined();
    await waitFor('the first removal to start', () => store.calls.length === 1);
    const wait = queue.add('u1', ['c']);
    expect(wait).toBeInstanceOf(Promise);
    let waited = false;
    void wait?.then(() => (waited = true));
    await store.release(1);
    await waitFor('the second removal to start', () => store.calls.length === 2);
    expect(waited).toBe(false);
    await store.release(2);
    await wait;
    expect(await store.inner.count('u1')).toBe(0);
  });
});
