import { LinkerError } from '@linker/kernel';
import type { Mailbox } from '@linker/mailbox';
import type { Presence, PresenceErrorCode } from '@linker/presence';
import { waitFor } from '@linker/testing';
import { FakeConnector, Harness, intake } from './testing/harness';

// The intake's guarantees: nothing dropped silently (dead letters with reasons), retries, commit after the effects,
// per-sender order while several processors share the work.

const CURSED = 'ANZ-666';

/** Presence whose reads fail whenever they include `CURSED`. */
function cursedPresence(presence: Presence): Presence {
  const fail = (ids: readonly string[]) => {
    if (ids.includes(CURSED)) throw new Error('presence read failed');
  };
  return Object.assign(Object.create(presence) as Presence, {
    lookup: async (userId: string) => (fail([userId]), presence.lookup(userId)),
    lookupMany: async (userIds: readonly string[]) => (fail(userIds), presence.lookupMany(userIds)),
  });
}

describe('intake', () => {
  let harness: Harness;
  let c1: FakeConnector;

  afterEach(() => harness.stop());

  it('retries a failing handler, then dead-letters the envelope with the reason; the rest of the batch goes on', async () => {
    harness = await Harness.start({ presence: cursedPresence });
    c1 = await harness.connector('connector-01');
    await c1.connect('ANZ-2');
    const doomed = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: CURSED, content: 'x' } });
    const fine = intake({ type: 'MESSAGE', from: 'ANZ-3', data: { to: 'ANZ-2', content: 'y' } });
    await harness.sendRecords(
      'RELIABLE',
      [doomed, fine].map((e) => ({ key: e.from, value: Buffer.from(JSON.stringify(e)) })),
    );
    await harness.settled();
    const letters = await harness.mailbox.deadLetters(10);
    expect(letters).toHaveLength(1);
    expect(letters[0].envelope.id).toBe(doomed.id);
    expect(letters[0].reason).toBe('MESSAGE failed after 4 attempts: presence read failed');
    expect(harness.processors[0].health().stats).toMatchObject({ retries: 3, deadLettered: 1 });
    expect(c1.deliveries('MESSAGE', 'ANZ-2')).toHaveLength(1);
    expect(await harness.mailbox.count(CURSED)).toBe(0);
  });

  it('does not dead-letter during an outage: the batch goes back to the lane and is handled once the service is back', async () => {
    let down = true;
    const flaky = (presence: Presence): Presence =>
      Object.assign(Object.create(presence) as Presence, {
        lookupMany: async (userIds: readonly string[]) => {
          if (down)
            throw new LinkerError<PresenceErrorCode>('PRESENCE_UNAVAILABLE', 'redis presence failed: connection refused', {
              retriable: true,
            });
          return presence.lookupMany(userIds);
        },
      });
    harness = await Harness.start({ presence: flaky, settings: { handlerRetries: 1 } });
    c1 = await harness.connector('connector-01');
    await c1.connect('ANZ-2');
    const first = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'ANZ-2', content: '1' } });
    const second = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'ANZ-2', content: '2' } });
    await harness.sendRecords(
      'RELIABLE',
      [first, second].map((e) => ({ key: e.from, value: Buffer.from(JSON.stringify(e)) })),
    );
    await waitFor('a batch handed back', () => harness.processors[0].health().stats.failedBatches >= 2);
    expect(c1.received).toHaveLength(0);
    down = false;
    await harness.settled();
    expect(c1.deliveries('MESSAGE').map((r) => r.delivery.envelope.id)).toEqual([first.id, second.id]);
    expect(await harness.mailbox.deadLetters(10)).toEqual([]);
  });

  it('dead-letters what it cannot act on: internal or unknown types, malformed data, undecodable records', async () => {
    harness = await Harness.start();
    const forged = intake({ type: 'MESSAGE_STATE_CHANGED', from: 'ANZ-1', data: {} });
    const unknown = intake({ type: 'NO_SUCH_TYPE', from: 'ANZ-1', data: {} });
    const malformed = intake({
      type: 'FETCH_MISSING_MESSAGES_REQUEST',
      from: 'ANZ-1',
      data: { count: 0 },
      origin: { domain: 'd', connector: 'c', socketId: 's' },
    });
    await harness.send(forged);
    await harness.send(unknown);
    await harness.send(malformed);
    await harness.sendRecords('RELIABLE', [{ key: 'ANZ-1', value: Buffer.from('{not json') }]);
    await harness.settled();
    const letters = await harness.mailbox.deadLetters(10);
    const reasons = new Map(letters.map((l) => [l.envelope.type, l.reason]));
    expect(reasons.get('MESSAGE_STATE_CHANGED')).toMatch(/no handler for type MESSAGE_STATE_CHANGED/);
    expect(reasons.get('NO_SUCH_TYPE')).toMatch(/no handler for type NO_SUCH_TYPE/);
    expect(reasons.get('FETCH_MISSING_MESSAGES_REQUEST')).toMatch(/failed after 1 attempt: .*malformed at \/count/);
    expect(reasons.get('UNDECODABLE')).toMatch(/undecodable record: envelope is not valid JSON/);
    const undecodable = letters.find((l) => l.envelope.type === 'UNDECODABLE');
    expect(undecodable?.envelope.data).toMatchObject({ key: 'ANZ-1', raw: '{not json' });
    expect(letters).toHaveLength(4);
  });

  it('retries writing the effects, and commits only once they are written', async () => {
    let failures = 2;
    const flaky = (mailbox: Mailbox): Mailbox =>
      Object.assign(Object.create(mailbox) as Mailbox, {
        store: async (entries: Parameters<Mailbox['store']>[0]) => {
          if (failures-- > 0) throw new Error('mailbox unavailable');
          return mailbox.store(entries);
        },
      });
    harness = await Harness.start({ mailbox: flaky });
    const sent = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'ANZ-9', content: 'x' } });
    await harness.send(sent);
    await harness.settled();
    expect((await harness.mailbox.oldest('ANZ-9', 10)).map((m) => m.id)).toEqual([sent.id]);
    expect(await harness.mailbox.deadLetters(10)).toEqual([]);
  });

  it('hands a batch back to the lane when its effects cannot be written, and handles it again later', async () => {
    let down = true;
    const outage = (mailbox: Mailbox): Mailbox =>
      Object.assign(Object.create(mailbox) as Mailbox, {
        store: async (entries: Parameters<Mailbox['store']>[0]) => {
          if (down) throw new Error('mailbox unavailable');
          return mailbox.store(entries);
        },
      });
    harness = await Harness.start({ mailbox: outage, settings: { handlerRetries: 1 } });
    const sent = intake({ type: 'MESSAGE', from: 'ANZ-1', data: { to: 'ANZ-9', content: 'x' } });
    await harness.send(sent);
    await waitFor('a batch handed back', () => harness.processors[0].health().stats.failedBatches >= 1);
    expect(await harness.mailbox.count('ANZ-9')).toBe(0);
    down = false;
    await harness.settled();
    expect((await harness.mailbox.oldest('ANZ-9', 10)).map((m) => m.id)).toEqual([sent.id]);
  });
});

describe('two processors on one broker', () => {
  it('share the work, and each sender’s messages reach the recipient in order', async () => {
    const harness = await Harness.start({ processors: 2 });
    const connector = await harness.connector('connector-01');
    await connector.connect('ANZ-1');
    const senders = Array.from({ length: 12 }, (_, i) => `ANZ-${100 + i}`);
    const perSender = 25;
    for (let n = 0; n < perSender; n++) {
      const records = senders.map((from) => {
        const envelope = intake({ type: 'MESSAGE', from, data: { to: 'ANZ-1', content: String(n) } });
        return { key: from, value: Buffer.from(JSON.stringify(envelope)) };
      });
      await harness.sendRecords('RELIABLE', records);
    }
    await harness.settled();
    for (const from of senders) {
      const contents = connector
        .deliveries('MESSAGE')
        .filter((r) => r.delivery.envelope.from === from)
        .map((r) => (r.delivery.envelope.data as { content: string }).content);
      expect(contents).toEqual(Array.from({ length: perSender }, (_, n) => String(n)));
    }
    const [one, two] = harness.processors.map((p) => p.health().stats.processed);
    expect(one).toBeGreaterThan(0);
    expect(two).toBeGreaterThan(0);
    expect(one + two).toBe(senders.length * perSender);
    await harness.stop();
  });
});

describe('two processors on one broker, FAST lane', () => {
  /** FAST MESSAGE contents from `from` as the connector's per-socket window lets them through: first copy of each id. */
  const fastContents = (connector: FakeConnector, from: string): string[] => {
    const seen = new Set<string>();
    return connector
      .deliveries('MESSAGE')
      .map((r) => r.delivery.envelope)
      .filter((e) => e.lane === 'FAST' && e.from === from && !seen.has(e.id) && seen.add(e.id))
      .map((e) => (e.data as { content: string }).content);
  };
  const sendFast = async (harness: Harness, senders: readonly string[], from: number, count: number): Promise<void> => {
    for (let n = from; n < from + count; n++) {
      for (const sender of senders)
        await harness.send(intake({ type: 'MESSAGE', lane: 'FAST', from: sender, data: { to: 'ANZ-1', content: String(n) } }));
    }
  };
  const range = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => String(from + i));

  it('follow the RELIABLE assignment: one sender’s FAST messages stay in order, and survive a processor leaving', async () => {
    const harness = await Harness.start({ processors: 2 });
    try {
      const connector = await harness.connector('connector-01');
      await connector.connect('ANZ-1');
      const senders = Array.from({ length: 8 }, (_, i) => `ANZ-${200 + i}`);
      await sendFast(harness, senders, 0, 200);
      await waitFor('every FAST message', () => senders.every((s) => fastContents(connector, s).length >= 200));
      for (const sender of senders) expect(fastContents(connector, sender)).toEqual(range(0, 200));
      const [one, two] = harness.processors.map((p) => p.health().stats.processed);
      expect(one).toBeGreaterThan(0);
      expect(two).toBeGreaterThan(0);

      await harness.processors[0].stop();
      const before = harness.processors[1].health().stats.processed;
      await sendFast(harness, senders, 200, 50);
      await waitFor('every FAST message after the leave', () => senders.every((s) => fastContents(connector, s).length >= 250));
      for (const sender of senders) expect(fastContents(connector, sender)).toEqual(range(0, 250));
      expect(harness.processors[1].health().stats.processed - before).toBe(senders.length * 50);
    } finally {
      await harness.stop();
    }
  });
});
