import { clientFrameSize, encodeEnvelope, type Envelope, type SocketAddress } from '@linker/contracts';
import { MemoryBroker, memoryLanes } from '@linker/bus';
import { MemoryMailbox, type Mailbox } from '@linker/mailbox';
import { silentLogger } from '@linker/observability';
import { waitFor } from '@linker/testing';
import { Dispatcher } from '../src/dispatch/dispatcher';
import { Effects } from '../src/dispatch/effects';
import { fetchMissingMessagesHandler } from '../src/handlers/fetch-missing-messages.handler';
import type { HandlerContext } from '../src/handlers/handler';
import { KeyedLock } from '../src/stored-messages/keyed-lock';
import { OutForDelivery } from '../src/stored-messages/out-for-delivery';
import { RemovalQueue } from '../src/stored-messages/removal-queue';
import { Harness, intake, withTwoConnectors, type FakeConnector } from './testing/harness';

// FETCH_MISSING_MESSAGES_REQUEST; a message leaves the mailbox only once delivered (docs/protocol.md, Fetch, Mailbox).

const USER = 'ANZ-500';

describe('FETCH_MISSING_MESSAGES_REQUEST', () => {
  let harness: Harness;
  let c1: FakeConnector;
  let c2: FakeConnector;
  let stored: Envelope[];

  beforeEach(async () => {
    harness = await Harness.start();
    c1 = await harness.connector('connector-01');
    c2 = await harness.connector('connector-02');
    const t0 = Date.now();
    stored = [1, 2, 3, 4].map((n) =>
      intake({ type: 'MESSAGE', from: `ANZ-${n}`, data: { to: USER, content: `message ${n}` }, createdAt: t0 + n }),
    );
    for (const message of [...stored].reverse()) await harness.send(message);
    await harness.settled();
    expect(await harness.mailbox.count(USER)).toBe(4);
  });

  afterEach(() => harness.stop());

  it('returns the 3 oldest of 4 to the requesting socket only, then leftMissingCount 1; removes them once reported delivered', async () => {
    const requesting = await c1.connect(USER);
    await c2.connect(USER); // another socket of the user gets nothing
    const request = intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 3 }, origin: requesting });
    await harness.send(request);
    await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);

    const frames = c1.received.map((r) => r.delivery);
    expect(frames.map((d) => d.envelope.type)).toEqual(['MESSAGE', 'MESSAGE', 'MESSAGE', 'FETCH_MISSING_MESSAGES_COMPLETE']);
    expect(frames.slice(0, 3).map((d) => d.envelope.id)).toEqual(stored.slice(0, 3).map((m) => m.id));
    expect(frames.slice(0, 3).every((d) => d.fromMailbox === true)).toBe(true);
    expect(frames.every((d) => JSON.stringify(d.targets) === JSON.stringify([{ userId: USER, socketIds: [requesting.socketId] }]))).toBe(
      true,
    );
    expect(frames[3].envelope.data).toEqual({ leftMissingCount: 1 });
    expect(c1.received.every((r) => r.lane === 'RELIABLE' && r.key === USER)).toBe(true);
    expect(c2.received).toHaveLength(0);

    await harness.settled();
    expect(await harness.mailbox.count(USER)).toBe(4); // nothing leaves before it is reported delivered

    const delivered = frames.slice(0, 2).map((d) => ({ id: d.envelope.id, userId: USER, from: d.envelope.from, fromMailbox: true }));
    await harness.send(intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: { delivered, undelivered: [] } }), c1.name);
    await harness.settled();
    expect((await harness.mailbox.oldest(USER, 10)).map((m) => m.id)).toEqual([stored[2].id, stored[3].id]);
  });

  it('a fetch handled before the previous fetch was reported delivered skips what that one handed out (no re-read), then the report removes it', async () => {
    const requesting = await c1.connect(USER);
    const other = await c2.connect(USER);
    await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 3 }, origin: requesting }));
    await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    const first = c1.deliveries('MESSAGE', USER).map((r) => r.delivery.envelope);
    expect(first.map((m) => m.id)).toEqual(stored.slice(0, 3).map((m) => m.id));

    // the same socket asks again before the connector's report of the first batch is handled
    await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 3 }, origin: requesting }));
    const second = await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER, 2);
    expect(c1.deliveries('MESSAGE', USER).map((r) => r.delivery.envelope.id)).toEqual(stored.map((m) => m.id));
    expect(second.delivery.envelope.data).toEqual({ leftMissingCount: 0 });
    // and another socket of the user: nothing is handed out twice
    await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 10 }, origin: other }));
    const third = await c2.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    expect(c2.deliveries('MESSAGE', USER)).toHaveLength(0);
    expect(third.delivery.envelope.data).toEqual({ leftMissingCount: 0 });
    await harness.settled();
    expect(await harness.mailbox.count(USER)).toBe(4); // still nothing left before it was reported delivered

    const delivered = first.map((m) => ({ id: m.id, userId: USER, from: m.from, fromMailbox: true }));
    await harness.send(intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: { delivered, undelivered: [] } }), c1.name);
    await harness.settled();
    expect((await harness.mailbox.oldest(USER, 10)).map((m) => m.id)).toEqual([stored[3].id]);
  });

  it('counts leftMissingCount without what is out for delivery when the mailbox is larger than the read', async () => {
    const requesting = await c1.connect(USER);
    for (const n of [1, 2, 3]) {
      await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 1 }, origin: requesting }));
      const complete = await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER, n);
      expect(complete.delivery.envelope.data).toEqual({ leftMissingCount: 4 - n });
    }
    expect(c1.deliveries('MESSAGE', USER).map((r) => r.delivery.envelope.id)).toEqual(stored.slice(0, 3).map((m) => m.id));
  });

  it('what a fetch handed out to a socket that closed unreported is fetched again', async () => {
    const closing = await c1.connect(USER);
    const next = await c2.connect(USER);
    await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 3 }, origin: closing }));
    await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    await c1.disconnect(USER, closing);
    await harness.send(intake({ type: 'USER_DISCONNECTED', from: 'SYSTEM', data: { userId: USER }, origin: closing }), USER);
    await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 10 }, origin: next }));
    const complete = await c2.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    expect(c2.deliveries('MESSAGE', USER).map((r) => r.delivery.envelope.id)).toEqual(stored.map((m) => m.id));
    expect(complete.delivery.envelope.data).toEqual({ leftMissingCount: 0 });
  });

  it('what a fetch handed out to a socket presence no longer lists is fetched again before its USER_DISCONNECTED comes', async () => {
    const closing = await c1.connect(USER);
    const next = await c2.connect(USER);
    await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 3 }, origin: closing }));
    await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    await c1.disconnect(USER, closing); // gone from presence; the client fetches again at once, from its new socket
    await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 10 }, origin: next }));
    const complete = await c2.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    expect(c2.deliveries('MESSAGE', USER).map((r) => r.delivery.envelope.id)).toEqual(stored.map((m) => m.id));
    expect(complete.delivery.envelope.data).toEqual({ leftMissingCount: 0 });
  });

  it('caps count at 2000 and says 0 left when everything fits', async () => {
    const requesting = await c1.connect(USER);
    await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 1_000_000 }, origin: requesting }));
    const complete = await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    expect(complete.delivery.envelope.data).toEqual({ leftMissingCount: 0 });
    expect(c1.deliveries('MESSAGE')).toHaveLength(4);
  });

  it('returns no more than fit in the bytes the connector says the socket can take (at least one); the rest is left', async () => {
    const requesting = await c1.connect(USER);
    const size = clientFrameSize(stored[0]);
    await harness.send(
      intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 10, maxBytes: 2 * size + 1 }, origin: requesting }),
    );
    const first = await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    expect(c1.deliveries('MESSAGE').map((r) => r.delivery.envelope.id)).toEqual(stored.slice(0, 2).map((m) => m.id));
    expect(first.delivery.envelope.data).toEqual({ leftMissingCount: 2 });
    await harness.send(
      intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 10, maxBytes: 1 }, origin: requesting }),
    );
    const second = await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER, 2);
    expect(c1.deliveries('MESSAGE').map((r) => r.delivery.envelope.id)).toEqual(stored.slice(0, 3).map((m) => m.id));
    expect(second.delivery.envelope.data).toEqual({ leftMissingCount: 1 });
  });

  it('answers two concurrent fetches of one user (on both lanes) each on its own socket, completely', async () => {
    const s1 = await c1.connect(USER);
    const s2 = await c2.connect(USER);
    await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, lane: 'FAST', data: { count: 2 }, origin: s1 }));
    await harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 2 }, origin: s2 }));
    await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    await c2.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    for (const connector of [c1, c2]) {
      expect(connector.received.map((r) => r.delivery.envelope.type)).toEqual(['MESSAGE', 'MESSAGE', 'FETCH_MISSING_MESSAGES_COMPLETE']);
    }
  });
});

/** `count` messages for USER stored straight into the mailbox, oldest first. */
async function storeMessages(harness: Harness, count: number): Promise<Envelope[]> {
  const t0 = Date.now();
  const stored = Array.from({ length: count }, (_, n) =>
    intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: USER, content: `message ${n}` }, createdAt: t0 + n }),
  );
  await harness.mailbox.store(stored.map((envelope) => ({ userId: USER, envelope: { ...envelope, to: USER } })));
  return stored;
}

describe('FETCH_MISSING_MESSAGES_REQUEST: reads of the mailbox', () => {
  let harness: Harness;
  let reads: string[];
  /** Run once, just before the next read: a removal landing between the fetch's reads, as a report may. */
  let beforeNextRead: (() => Promise<unknown>) | undefined;

  const counting = (mailbox: Mailbox): Mailbox => {
    const read = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      reads.push(name);
      const racing = beforeNextRead;
      beforeNextRead = undefined;
      await racing?.();
      return work();
    };
    return {
      ...bind(mailbox),
      oldest: (userId, limit) => read('oldest', () => mailbox.oldest(userId, limit)),
      window: (userId, limit) => read(`window ${limit}`, () => mailbox.window(userId, limit)),
      count: (userId) => read('count', () => mailbox.count(userId)),
    };
  };

  beforeEach(async () => {
    reads = [];
    beforeNextRead = undefined;
    harness = await Harness.start({ mailbox: counting });
  });

  afterEach(() => harness.stop());

  const fetchThree = (origin: SocketAddress) =>
    harness.send(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 3 }, origin }));

  it('reads the mailbox once per fetch, and the removal of what the last fetch handed out racing it leaves leftMissingCount exact', async () => {
    const c1 = await harness.connector('connector-01');
    const stored = await storeMessages(harness, 10);
    const requesting = await c1.connect(USER);
    await fetchThree(requesting);
    const first = await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    expect(first.delivery.envelope.data).toEqual({ leftMissingCount: 7 });
    expect(reads).toEqual(['window 3']);

    // The report of the first batch removes it while the second fetch reads.
    beforeNextRead = () =>
      harness.mailbox.remove(
        USER,
        stored.slice(0, 3).map((m) => m.id),
      );
    await fetchThree(requesting);
    const second = await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER, 2);
    expect(second.delivery.envelope.data).toEqual({ leftMissingCount: 4 });
    expect(reads).toEqual(['window 3', 'window 6']); // the 3 out are read past: their removal was not this processor's
    expect(c1.deliveries('MESSAGE', USER).map((r) => r.delivery.envelope.id)).toEqual(stored.slice(0, 6).map((m) => m.id));
  });

  it('once this processor removed what a fetch handed out, the next fetch reads no more than its count', async () => {
    const c1 = await harness.connector('connector-01');
    const stored = await storeMessages(harness, 10);
    const requesting = await c1.connect(USER);
    await fetchThree(requesting);
    await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER);
    const delivered = stored.slice(0, 3).map((m) => ({ id: m.id, userId: USER, from: m.from, fromMailbox: true }));
    await harness.send(intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: { delivered, undelivered: [] } }), c1.name);
    await harness.settled();
    await fetchThree(requesting);
    const second = await c1.next('FETCH_MISSING_MESSAGES_COMPLETE', USER, 2);
    expect(second.delivery.envelope.data).toEqual({ leftMissingCount: 4 });
    expect(reads).toEqual(['window 3', 'window 3']);
    expect(c1.deliveries('MESSAGE', USER).map((r) => r.delivery.envelope.id)).toEqual(stored.slice(0, 6).map((m) => m.id));
  });
});

describe('DELIVERY_REPORT: removals of fetched messages', () => {
  let harness: Harness;
  const removals: string[][] = [];
  const gates: Array<() => void> = [];

  /** Removals that wait for the test to let them finish, one at a time, as a slow store's do. */
  const gated = (mailbox: Mailbox): Mailbox =>
    Object.assign(Object.create(mailbox) as Mailbox, {
      remove: async (userId: string, ids: readonly string[]) => {
        removals.push([...ids].sort());
        await new Promise<void>((resolve) => gates.push(resolve));
        return mailbox.remove(userId, ids);
      },
    });

  beforeEach(async () => {
    removals.length = 0;
    gates.length = 0;
    harness = await Harness.start({ mailbox: gated });
  });

  afterEach(async () => {
    for (const release of gates.splice(0)) release();
    await harness.stop();
  });

  it('are not waited for by the report; reports handled while one runs are removed together in the next one', async () => {
    const c1 = await harness.connector('connector-01');
    const stored = await storeMessages(harness, 6);
    const report = (messages: Envelope[]) =>
      intake({
        type: 'DELIVERY_REPORT',
        from: 'SYSTEM',
        data: { delivered: messages.map((m) => ({ id: m.id, userId: USER, from: m.from, fromMailbox: true })), undelivered: [] },
      });
    const processed = (n: number) => () => harness.processors[0].health().stats.processed >= n;

    await harness.send(report(stored.slice(0, 2)), c1.name);
    await waitFor('the first removal to start', () => removals.length === 1);
    await harness.send(report(stored.slice(2, 4)), c1.name);
    await harness.send(report(stored.slice(4, 6)), c1.name);
    await waitFor('the next two reports to be handled while the first removal runs', processed(3), { timeoutMs: 3_000 });
    expect(harness.processors[0].health().pendingRemovals).toBe(6);
    gates.shift()?.();
    await waitFor('the second removal to start', () => removals.length === 2 && gates.length === 1);
    gates.shift()?.();
    await harness.settled();
    expect(removals).toEqual([stored.slice(0, 2), stored.slice(2)].map((messages) => messages.map((m) => m.id).sort()));
    expect(await harness.mailbox.count(USER)).toBe(0);
  });
});

describe('DELIVERY_REPORT: undelivered', () => {
  const t = withTwoConnectors();

  const undeliveredReport = (envelope: Envelope, userId: string, failedSocketIds: string[]) =>
    intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: { delivered: [], undelivered: [{ userId, envelope, failedSocketIds }] } });

  it('stores an undelivered RELIABLE message whose recipient has no other live socket', async () => {
    const socket = await t.c1.connect('ANZ-7');
    const sent = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'ANZ-7', content: 'x' } });
    await t.harness.send(sent);
    const { envelope } = (await t.c1.next('MESSAGE', 'ANZ-7')).delivery;
    await t.c1.disconnect('ANZ-7', socket); // the socket closed before the write
    await t.harness.send(undeliveredReport(envelope, 'ANZ-7', [socket.socketId]), t.c1.name);
    await t.harness.settled();
    expect((await t.harness.mailbox.oldest('ANZ-7', 10)).map((m) => m.id)).toEqual([sent.id]);
  });

  it('does not store it when another socket of the recipient is live: that socket gets it instead', async () => {
    const failed = await t.c1.connect('ANZ-7');
    const other = await t.c2.connect('ANZ-7');
    const envelope = intake({ type: 'MESSAGE', from: 'ANZ-1', to: 'ANZ-7', data: { content: 'x' } });
    await t.harness.send(undeliveredReport(envelope, 'ANZ-7', [failed.socketId]), t.c1.name);
    const redelivered = await t.c2.next('MESSAGE', 'ANZ-7');
    expect(redelivered.delivery.envelope.id).toBe(envelope.id);
    expect(redelivered.delivery.targets).toEqual([{ userId: 'ANZ-7', socketIds: [other.socketId] }]);
    await t.harness.settled();
    expect(await t.harness.mailbox.count('ANZ-7')).toBe(0);
    expect(t.c1.deliveries('MESSAGE')).toHaveLength(0);
  });

  it('dead-letters one whose recipient no longer lives in this domain (a topology edit moved it meanwhile), never drops it', async () => {
    const envelope = intake({ type: 'MESSAGE', from: 'ANZ-1', to: 'ANZ-1000007', data: { content: 'x' } });
    await t.harness.send(undeliveredReport(envelope, 'ANZ-1000007', ['s1']), t.c1.name);
    await t.harness.settled();
    expect(await t.harness.mailbox.count('ANZ-1000007')).toBe(0);
    const [letter] = await t.harness.mailbox.deadLetters(10);
    expect(letter.envelope.id).toBe(envelope.id);
    expect(letter.reason).toBe('undelivered to ANZ-1000007, whose home is no longer domain-01');
  });

  it('never stores control frames or FAST envelopes', async () => {
    const control = intake({ type: 'USER_CONNECTED', from: 'SYSTEM', to: 'ANZ-7', data: { userId: 'ANZ-8' } });
    const fast = intake({ type: 'MESSAGE', lane: 'FAST', from: 'ANZ-1', to: 'ANZ-7', data: { content: 'x' } });
    await t.harness.send(undeliveredReport(control, 'ANZ-7', ['s1']), t.c1.name);
    await t.harness.send(undeliveredReport(fast, 'ANZ-7', ['s1']), t.c1.name);
    await t.harness.settled();
    expect(await t.harness.mailbox.count('ANZ-7')).toBe(0);
    expect(await t.harness.mailbox.deadLetters(10)).toEqual([]);
  });
});

// Nothing stays stored for a recipient that is online (docs/protocol.md, Delivery).
describe('a message stored while its recipient opens a socket', () => {
  const RECIPIENT = 'ANZ-7';
  let harness: Harness;
  let c1: FakeConnector;
  let c2: FakeConnector;
  /** Runs while the processors' next mailbox store is under way (after the batch read presence, before the store lands). */
  let duringStore: (() => Promise<unknown>) | undefined;

  beforeEach(async () => {
    const storeWith = (mailbox: Mailbox): Mailbox => ({
      ...bind(mailbox),
      store: async (entries) => {
        const hook = duringStore;
        duringStore = undefined;
        await hook?.();
        await mailbox.store(entries);
      },
    });
    harness = await Harness.start({ mailbox: storeWith });
    c1 = await harness.connector('connector-01');
    c2 = await harness.connector('connector-02');
  });

  afterEach(() => harness.stop());

  it('is handed from the mailbox to that socket, which fetched before the store landed, and removed once reported delivered', async () => {
    const message = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: RECIPIENT, content: 'x' } });
    let opened: SocketAddress | undefined;
    duringStore = async () => (opened = await c2.connect(RECIPIENT));
    await harness.send(message);
    const handed = await c2.next('MESSAGE', RECIPIENT);
    expect(handed.delivery.envelope).toEqual((await harness.mailbox.oldest(RECIPIENT, 1))[0]);
    expect(handed.delivery.envelope.id).toBe(message.id);
    expect(handed.delivery.targets).toEqual([{ userId: RECIPIENT, socketIds: [opened!.socketId] }]);
    expect(handed.delivery.fromMailbox).toBe(true);
    expect(handed.key).toBe(RECIPIENT);
    expect(await harness.mailbox.count(RECIPIENT)).toBe(1); // stays until reported delivered

    const delivered = [{ id: message.id, userId: RECIPIENT, from: 'ANZ-1', fromMailbox: true }];
    await harness.send(intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: { delivered, undelivered: [] } }), c2.name);
    await harness.settled();
    expect(await harness.mailbox.count(RECIPIENT)).toBe(0);
    expect(harness.processors[0].health().stats.storedThenHanded).toBe(1);
  });

  it('undelivered to a socket that closed (a 4005) while the client reconnects at once: the new socket gets it', async () => {
    const closed = await c1.connect(RECIPIENT);
    const envelope = intake({ type: 'MESSAGE', from: 'ANZ-1', to: RECIPIENT, data: { content: 'x' } });
    await c1.disconnect(RECIPIENT, closed);
    let reconnected: SocketAddress | undefined;
    duringStore = async () => (reconnected = await c1.connect(RECIPIENT));
    const report = { delivered: [], undelivered: [{ userId: RECIPIENT, envelope, failedSocketIds: [closed.socketId] }] };
    await harness.send(intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: report }), c1.name);
    const handed = await c1.next('MESSAGE', RECIPIENT);
    expect(handed.delivery).toEqual({
      envelope: { ...envelope, to: RECIPIENT },
      targets: [{ userId: RECIPIENT, socketIds: [reconnected!.socketId] }],
      fromMailbox: true,
    });
  });

  it('is not handed anywhere when the recipient stays offline', async () => {
    await harness.send(intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: RECIPIENT, content: 'x' } }));
    await harness.settled();
    expect(await harness.mailbox.count(RECIPIENT)).toBe(1);
    expect([...c1.received, ...c2.received]).toEqual([]);
    expect(harness.processors[0].health().stats.storedThenHanded).toBe(0);
  });
});

// Ack mode, crash-safe (docs/protocol.md, Ack mode): what an ack-mode socket holds unacknowledged is parked in the mailbox by the report.
describe('DELIVERY_REPORT: parked', () => {
  const RECIPIENT = 'ANZ-9';
  const SENDER = 'ANZ-8';
  let harness: Harness;
  let c1: FakeConnector;
  let c2: FakeConnector;

  /** Stores that complete a turn later than they were asked for, as a real store's may (after a removal asked later). */
  const lateStores = (mailbox: Mailbox): Mailbox => ({
    ...bind(mailbox),
    store: async (entries) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await mailbox.store(entries);
    },
  });

  beforeEach(async () => {
    harness = await Harness.start({ mailbox: lateStores });
    c1 = await harness.connector('connector-01');
    c2 = await harness.connector('connector-02');
  });

  afterEach(() => harness.stop());

  const report = (data: object) => intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: { delivered: [], undelivered: [], ...data } });
  const deliveredFromMailbox = (envelope: Envelope) => ({
    id: envelope.id,
    userId: RECIPIENT,
    from: SENDER,
    reference: 'r1',
    confirm: true,
    fromMailbox: true,
  });

  /** A MESSAGE with a confirmation wanted, routed to the recipient's only socket, on c1 (held there in ack mode). */
  async function routed(): Promise<Envelope> {
    await c1.connect(RECIPIENT);
    await harness.send(intake({ type: 'MESSAGE', from: SENDER, data: { to: RECIPIENT, content: 'held' }, reference: 'r1' }));
    await harness.settled();
    return (await c1.next('MESSAGE', RECIPIENT)).delivery.envelope;
  }

  it('stores a parked message as it is, idempotently, without re-sending it to the socket holding it or confirming it', async () => {
    await c2.connect(SENDER);
    const envelope = await routed();
    const [holder] = c1.deliveries('MESSAGE', RECIPIENT)[0].delivery.targets[0].socketIds;
    const received = c2.received.length;
    for (let i = 0; i < 2; i++) await harness.send(report({ parked: [{ userId: RECIPIENT, envelope, socketIds: [holder] }] }), c1.name);
    await harness.settled();
    expect(await harness.mailbox.oldest(RECIPIENT, 10)).toEqual([envelope]);
    expect(c1.deliveries('MESSAGE')).toHaveLength(1);
    expect(c2.received).toHaveLength(received);
    expect(await harness.mailbox.count(SENDER)).toBe(0);
  });

  it('hands a parked message to a socket of the recipient that does not hold it (opened since, as a fetch would)', async () => {
    const envelope = await routed();
    const [holder] = c1.deliveries('MESSAGE', RECIPIENT)[0].delivery.targets[0].socketIds;
    const opened = await c2.connect(RECIPIENT);
    await harness.send(report({ parked: [{ userId: RECIPIENT, envelope, socketIds: [holder] }] }), c1.name);
    const handed = await c2.next('MESSAGE', RECIPIENT);
    expect(handed.delivery).toEqual({ envelope, targets: [{ userId: RECIPIENT, socketIds: [opened.socketId] }], fromMailbox: true });
    expect(c1.deliveries('MESSAGE')).toHaveLength(1);
  });

  it('removes a parked message once reported delivered from the mailbox, and confirms it once however often reported', async () => {
    await c2.connect(SENDER);
    const envelope = await routed();
    await harness.send(report({ parked: [{ userId: RECIPIENT, envelope }] }), c1.name);
    await harness.settled();
    expect(await harness.mailbox.count(RECIPIENT)).toBe(1);

    for (let i = 0; i < 2; i++) await harness.send(report({ delivered: [deliveredFromMailbox(envelope)] }), c1.name);
    expect((await c2.next('MESSAGE_CONFIRMATION', SENDER)).delivery.envelope.data).toEqual({ reference: 'r1' });
    await harness.settled();
    expect(await harness.mailbox.count(RECIPIENT)).toBe(0);
    expect(c2.deliveries('MESSAGE_CONFIRMATION', SENDER)).toHaveLength(1);
  });

  it('does not leave a message stored when its parking and its delivery are handled in one batch', async () => {
    const envelope = await routed();
    const records = [report({ parked: [{ userId: RECIPIENT, envelope }] }), report({ delivered: [deliveredFromMailbox(envelope)] })];
    await harness.sendRecords(
      'RELIABLE',
      records.map((r) => ({ key: c1.name, value: encodeEnvelope(r) })),
    );
    await harness.settled();
    expect(await harness.mailbox.count(RECIPIENT)).toBe(0);
    expect(await harness.mailbox.count(SENDER)).toBe(1); // the confirmation, the sender being offline
  });

  it('accepts a report without the parked list (older connectors)', async () => {
    const envelope = await routed();
    await harness.send(
      intake({ type: 'DELIVERY_REPORT', from: 'SYSTEM', data: { delivered: [deliveredFromMailbox(envelope)], undelivered: [] } }),
      c1.name,
    );
    await harness.settled();
    expect(await harness.mailbox.deadLetters(10)).toEqual([]);
    expect(await harness.mailbox.count(SENDER)).toBe(1);
  });
});

describe('FETCH_MISSING_MESSAGES_REQUEST while a store for the user is under way', () => {
  it('reads the mailbox only once the store settled, so a message undelivered to a socket that just closed is fetched', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const memory = new MemoryMailbox();
    const mailbox: Mailbox = {
      ...bind(memory),
      store: async (entries) => {
        events.push('store begun');
        await new Promise<void>((resolve) => (release = resolve));
        await memory.store(entries);
        events.push('stored');
      },
      window: (userId, limit) => {
        events.push('read');
        return memory.window(userId, limit);
      },
    };
    const lanes = memoryLanes(new MemoryBroker());
    const removals = new RemovalQueue({ mailbox, logger: silentLogger });
    const dispatcher = new Dispatcher(lanes, mailbox, removals, 'domain-01', 1);
    const handler = fetchMissingMessagesHandler('domain-01', {
      mailbox,
      dispatcher,
      fetchLocks: new KeyedLock(),
      outForDelivery: new OutForDelivery(),
    });
    const message = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: USER, content: 'undelivered' } });
    const effects = new Effects();
    effects.store(USER, { ...message, to: USER });
    const storing = dispatcher.apply([effects]);
    const origin: SocketAddress = { domain: 'domain-01', connector: 'connector-01', socketId: 's-1' };
    const fetching = handler.handle(intake({ type: 'FETCH_MISSING_MESSAGES_REQUEST', from: USER, data: { count: 10 }, origin }), {
      now: Date.now(),
    } as HandlerContext);
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['store begun']);
    release();
    await Promise.all([storing, fetching]);
    expect(events).toEqual(['store begun', 'stored', 'read']);
    await lanes.close();
  });
});

/** Every method of `mailbox`, bound to it (to override some in a spread). */
function bind(mailbox: Mailbox): Mailbox {
  return {
    store: (entries) => mailbox.store(entries),
    oldest: (userId, limit) => mailbox.oldest(userId, limit),
    window: (userId, limit) => mailbox.window(userId, limit),
    count: (userId) => mailbox.count(userId),
    remove: (userId, ids) => mailbox.remove(userId, ids),
    overCap: (userId, keep, limit) => mailbox.overCap(userId, keep, limit),
    olderThan: (cutoff, userPrefix, limit) => mailbox.olderThan(cutoff, userPrefix, limit),
    deadLetter: (letter) => mailbox.deadLetter(letter),
    deadLetters: (limit) => mailbox.deadLetters(limit),
    findDeadLetter: (id) => mailbox.findDeadLetter(id),
    removeDeadLetter: (id) => mailbox.removeDeadLetter(id),
    close: () => mailbox.close(),
  };
}
