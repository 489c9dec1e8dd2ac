import type { Envelope } from '@linker/contracts';
import { newMessageId } from '@linker/kernel';
import type { DeadLetter, Mailbox, MailboxEntry } from '@linker/mailbox';
import { uniqueName } from '../unique-name';
import { describeDeadLetters } from './mailbox-dead-letters.contract';
import { mailboxEnvelope, series } from './mailbox-envelope';
import { describeMailboxLimits } from './mailbox-limits.contract';

export { mailboxEnvelope } from './mailbox-envelope';

/**
 * How the contract gets mailboxes of one adapter. Every `open()` is a fresh, empty, isolated store (its own
 * database or directory), so tests never see each other's messages.
 */
export interface MailboxHarness {
  /** A fresh, empty mailbox of its own. */
  open(): Promise<Mailbox>;
  /**
   * Close `mailbox` and open the same store again, as a process restart would. Only adapters that persist have it;
   * without it the restart tests are not defined (the memory twin keeps nothing by design).
   */
  restart?(mailbox: Mailbox): Promise<Mailbox>;
  /** Release what the harness made (drop databases, delete directories). Called once, after the suite. */
  cleanup?(): Promise<void>;
}

const entriesFor = (userId: string, envelopes: readonly Envelope[]): MailboxEntry[] => envelopes.map((envelope) => ({ userId, envelope }));

const ids = (envelopes: readonly Envelope[]): string[] => envelopes.map((envelope) => envelope.id);

/** The order every adapter must return: (createdAt, id), oldest first. */
const byAge = (a: Envelope, b: Envelope): number => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The behaviour every `Mailbox` adapter must show (ARCHITECTURE.md: one contract suite per port): run it against the real adapter and the
 * twins. See the port's doc comments for the guarantees proved here.
 */
export function mailboxContract(name: string, harness: MailboxHarness): void {
  describe(`Mailbox contract: ${name}`, () => {
    let mailbox: Mailbox;
    let user: string;
    beforeEach(async () => {
      mailbox = await harness.open();
      user = uniqueName('ANZ');
    });
    afterEach(async () => mailbox.close());
    afterAll(async () => harness.cleanup?.());

    describeOrdering(() => ({ mailbox, user }));
    describeIdempotence(() => ({ mailbox, user }));
    describeCountAndRemove(() => ({ mailbox, user }));
    describeDeadLetters(() => ({ mailbox, user }));
    describeVolume(() => ({ mailbox, user }));
    describeLifecycle(() => ({ mailbox, user }));
    describeMailboxLimits(() => ({ mailbox, user, envelope: mailboxEnvelope }));
    if (harness.restart) {
      const restart = harness.restart.bind(harness);
      describeRestart(
        () => ({ mailbox, user }),
        async () => (mailbox = await restart(mailbox)),
      );
    }
  });
}

type Context = () => { mailbox: Mailbox; user: string };

function describeOrdering(context: Context): void {
  describe('order', () => {
    it('returns stored messages oldest first by (createdAt, id), whatever the store order', async () => {
      const { mailbox, user } = context();
      const base = 1_700_000_000_000;
      // Three share one createdAt: their ids decide. The newest id is the oldest message.
      const envelopes = [
        mailboxEnvelope(user, { createdAt: base + 20 }),
        mailboxEnvelope(user, { createdAt: base + 10 }),
        mailboxEnvelope(user, { createdAt: base + 10 }),
        mailboxEnvelope(user, { createdAt: base + 10 }),
        mailboxEnvelope(user, { createdAt: base }),
      ];
      const shuffled = [envelopes[2], envelopes[0], envelopes[4], envelopes[3], envelopes[1]];
      await mailbox.store(entriesFor(user, shuffled.slice(0, 2)));
      await mailbox.store(entriesFor(user, shuffled.slice(2)));

      const expected = [...envelopes].sort(byAge);
      expect(ids(expected)).toEqual([4, 1, 2, 3, 0].map((n) => envelopes[n].id));
      expect(ids(await mailbox.oldest(user, 10))).toEqual(ids(expected));
    });

    it('compares createdAt as numbers: digit counts, fractions, zero and negatives', async () => {
      const { mailbox, user } = context();
      const times = [100, -5, 10, 1_700_000_000_000, 2.5, 0, 9, -0.5];
      const envelopes = times.map((createdAt) => mailboxEnvelope(user, { createdAt }));
      await mailbox.store(entriesFor(user, envelopes));
      const read = await mailbox.oldest(user, 10);
      expect(read.map((envelope) => envelope.createdAt)).toEqual([-5, -0.5, 0, 2.5, 9, 10, 100, 1_700_000_000_000]);
    });

    it('returns exactly the first `limit` messages, all when fewer, none for a limit of 0', async () => {
      const { mailbox, user } = context();
      const envelopes = series(user, 7);
      await mailbox.store(entriesFor(user, envelopes));
      expect(ids(await mailbox.oldest(user, 3))).toEqual(ids(envelopes.slice(0, 3)));
      expect(ids(await mailbox.oldest(user, 1))).toEqual([envelopes[0].id]);
      expect(ids(await mailbox.oldest(user, 100))).toEqual(ids(envelopes));
      expect(await mailbox.oldest(user, 0)).toEqual([]);
    });

    it('reads a window: the oldest `limit` and how many are stored after them, ties on createdAt decided by id', async () => {
      const { mailbox, user } = context();
      const envelopes = series(user, 8);
      // Pairs share a createdAt, so a window may end between two messages of one instant.
      envelopes.forEach((envelope, n) => (envelope.createdAt = 1_700_000_000_000 + Math.floor(n / 2)));
      await mailbox.store(entriesFor(user, [...envelopes].reverse()));
      const ordered = [...envelopes].sort(byAge);
      for (const limit of [0, 1, 3, 4, 7, 8, 9, 100]) {
        const { messages, rest } = await mailbox.window(user, limit);
        expect({ limit, ids: ids(messages), rest }).toEqual({ limit, ids: ids(ordered.slice(0, limit)), rest: Math.max(0, 8 - limit) });
      }
      expect(await mailbox.window(`${user}-nobody`, 10)).toEqual({ messages: [], rest: 0 });
      await mailbox.remove(user, ids(ordered.slice(0, 3)));
      const after = await mailbox.window(user, 2);
      expect({ ids: ids(after.messages), rest: after.rest }).toEqual({ ids: ids(ordered.slice(3, 5)), rest: 3 });
    });

    it('gives back the envelope exactly as stored, and reading never removes', async () => {
      const { mailbox, user } = context();
      const full = mailboxEnvelope(user, {
        data: { to: user, content: 'grüße ✓ "quoted" \n', nested: { list: [1, 2.5, -3, null, true] } },
        origin: { domain: 'domain-01', connector: 'connector-1', socketId: 's-1' },
        path: ['domain-01', 'domain-02'],
        hops: 1,
      });
      const bare = mailboxEnvelope(user, { createdAt: full.createdAt + 1, data: 'plain' });
      delete bare.reference;
      delete bare.confirm;
      await mailbox.store(entriesFor(user, [full, bare]));
      expect(await mailbox.oldest(user, 10)).toEqual([full, bare]);
      expect(await mailbox.oldest(user, 10)).toEqual([full, bare]);
      expect(await mailbox.count(user)).toBe(2);
    });

    it('keeps its own copy: changing an envelope after store changes nothing stored', async () => {
      const { mailbox, user } = context();
      const envelope = mailboxEnvelope(user);
      const original = structuredClone(envelope);
      await mailbox.store(entriesFor(user, [envelope]));
      envelope.path.push('tampered');
      const [read] = await mailbox.oldest(user, 1);
      read.path.push('tampered-too');
      expect(await mailbox.oldest(user, 1)).toEqual([original]);
    });

    it('keeps users apart', async () => {
      const { mailbox, user } = context();
      const other = `${user}-other`;
      const mine = series(user, 3);
      const theirs = series(other, 2);
      await mailbox.store([...entriesFor(user, mine), ...entriesFor(other, theirs)]);
      expect(ids(await mailbox.oldest(user, 10))).toEqual(ids(mine));
      expect(ids(await mailbox.oldest(other, 10))).toEqual(ids(theirs));
      expect(await mailbox.count(user)).toBe(3);
      expect(await mailbox.count(other)).toBe(2);
      expect(await mailbox.remove(other, ids(mine))).toBe(0);
      expect(await mailbox.count(user)).toBe(3);
      expect(await mailbox.oldest(`${user}-nobody`, 10)).toEqual([]);
      expect(await mailbox.count(`${user}-nobody`)).toBe(0);
    });
  });
}

function describeIdempotence(context: Context): void {
  describe('idempotent store', () => {
    it('keeps one copy of an id stored twice in one call', async () => {
      const { mailbox, user } = context();
      const envelope = mailboxEnvelope(user);
      await mailbox.store(entriesFor(user, [envelope, envelope]));
      expect(await mailbox.count(user)).toBe(1);
      expect(ids(await mailbox.oldest(user, 10))).toEqual([envelope.id]);
    });

    it('keeps one copy of an id stored again in a later call, next to new ones', async () => {
      const { mailbox, user } = context();
      const [first, second] = series(user, 2);
      await mailbox.store(entriesFor(user, [first]));
      await mailbox.store(entriesFor(user, [first, second]));
      await mailbox.store(entriesFor(user, [first]));
      expect(await mailbox.count(user)).toBe(2);
      expect(ids(await mailbox.oldest(user, 10))).toEqual([first.id, second.id]);
    });

    it('keeps one copy when the same entries are stored concurrently', async () => {
      const { mailbox, user } = context();
      const envelopes = series(user, 20);
      const entries = entriesFor(user, envelopes);
      await Promise.all([mailbox.store(entries), mailbox.store(entries.slice(5)), mailbox.store(entries.slice(0, 12))]);
      expect(await mailbox.count(user)).toBe(20);
      expect(ids(await mailbox.oldest(user, 100))).toEqual(ids(envelopes));
    });

    it('stores one id once per recipient: the same envelope for two users is two messages', async () => {
      const { mailbox, user } = context();
      const other = `${user}-other`;
      const envelope = mailboxEnvelope(user);
      await mailbox.store([
        { userId: user, envelope },
        { userId: other, envelope },
      ]);
      expect(await mailbox.count(user)).toBe(1);
      expect(await mailbox.count(other)).toBe(1);
      expect(await mailbox.remove(user, [envelope.id])).toBe(1);
      expect(ids(await mailbox.oldest(other, 1))).toEqual([envelope.id]);
    });

    it('accepts an empty store', async () => {
      const { mailbox, user } = context();
      await mailbox.store([]);
      expect(await mailbox.count(user)).toBe(0);
    });
  });
}

function describeCountAndRemove(context: Context): void {
  describe('count and remove', () => {
    it('removes only the given ids, ignores unknown ones and says how many went', async () => {
      const { mailbox, user } = context();
      const envelopes = series(user, 5);
      await mailbox.store(entriesFor(user, envelopes));
      const gone = [envelopes[1].id, envelopes[3].id, newMessageId(), envelopes[1].id];
      expect(await mailbox.remove(user, gone)).toBe(2);
      expect(await mailbox.count(user)).toBe(3);
      expect(ids(await mailbox.oldest(user, 10))).toEqual(ids([envelopes[0], envelopes[2], envelopes[4]]));
      expect(await mailbox.remove(user, gone)).toBe(0);
      expect(await mailbox.remove(user, [])).toBe(0);
      expect(await mailbox.count(user)).toBe(3);
    });

    it('counts exactly through stores, duplicate stores and removes', async () => {
      const { mailbox, user } = context();
      const envelopes = series(user, 10);
      expect(await mailbox.count(user)).toBe(0);
      await mailbox.store(entriesFor(user, envelopes.slice(0, 6)));
      expect(await mailbox.count(user)).toBe(6);
      await mailbox.store(entriesFor(user, envelopes.slice(4)));
      expect(await mailbox.count(user)).toBe(10);
      await mailbox.remove(user, ids(envelopes.slice(0, 9)));
      expect(await mailbox.count(user)).toBe(1);
      await mailbox.remove(user, [envelopes[9].id]);
      expect(await mailbox.count(user)).toBe(0);
      await mailbox.store(entriesFor(user, envelopes.slice(0, 1)));
      expect(await mailbox.count(user)).toBe(1);
    });

    it('serves a fetch: the 3 oldest of 4, removed after delivery, leave 1', async () => {
      const { mailbox, user } = context();
      const envelopes = series(user, 4);
      await mailbox.store(entriesFor(user, [envelopes[3], envelopes[1], envelopes[0], envelopes[2]]));
      const batch = await mailbox.oldest(user, 3);
      expect(ids(batch)).toEqual(ids(envelopes.slice(0, 3)));
      expect(await mailbox.remove(user, ids(batch))).toBe(3);
      expect(await mailbox.count(user)).toBe(1);
      expect(ids(await mailbox.oldest(user, 3))).toEqual([envelopes[3].id]);
    });
  });
}

function describeVolume(context: Context): void {
  describe('volume', () => {
    it('stores 10,000 messages in batches and reads them back in order', async () => {
      const { mailbox, user } = context();
      const envelopes = series(user, 10_000);
      // Pairs share a createdAt, so ids decide half of the order.
      envelopes.forEach((envelope, n) => (envelope.createdAt = 1_700_000_000_000 + Math.floor(n / 2)));
      for (let start = 0; start < envelopes.length; start += 500) {
        await mailbox.store(entriesFor(user, envelopes.slice(start, start + 500)));
      }
      expect(await mailbox.count(user)).toBe(10_000);
      const read = await mailbox.oldest(user, 10_000);
      expect(read).toHaveLength(10_000);
      expect(ids(read)).toEqual(ids([...envelopes].sort(byAge)));
      expect(ids(await mailbox.oldest(user, 2_000))).toEqual(ids(read.slice(0, 2_000)));
    }, 60_000);
  });
}

function describeLifecycle(context: Context): void {
  describe('lifecycle', () => {
    it('refuses work after close with a non-retriable MAILBOX_CLOSED, and closes twice without harm', async () => {
      const { mailbox, user } = context();
      await mailbox.close();
      const refusal = { code: 'MAILBOX_CLOSED', retriable: false };
      await expect(mailbox.store(entriesFor(user, [mailboxEnvelope(user)]))).rejects.toMatchObject(refusal);
      await expect(mailbox.oldest(user, 1)).rejects.toMatchObject(refusal);
      await expect(mailbox.count(user)).rejects.toMatchObject(refusal);
      await expect(mailbox.remove(user, ['x'])).rejects.toMatchObject(refusal);
      await expect(mailbox.deadLetters(1)).rejects.toMatchObject(refusal);
      await expect(mailbox.findDeadLetter('x')).rejects.toMatchObject(refusal);
      await expect(mailbox.removeDeadLetter('x')).rejects.toMatchObject(refusal);
      await expect(mailbox.close()).resolves.toBeUndefined();
    });
  });
}

function describeRestart(context: Context, restart: () => Promise<Mailbox>): void {
  describe('restart', () => {
    it('keeps messages, counts, removals and dead letters across a restart', async () => {
      const { user } = context();
      const envelopes = series(user, 5);
      const letter: DeadLetter = { envelope: mailboxEnvelope(user), reason: 'parked before restart', at: 1_000 };
      await context().mailbox.store(entriesFor(user, envelopes));
      await context().mailbox.remove(user, [envelopes[0].id]);
      await context().mailbox.deadLetter(letter);

      const reopened = await restart();
      expect(await reopened.count(user)).toBe(4);
      expect(await reopened.oldest(user, 10)).toEqual(envelopes.slice(1));
      expect(await reopened.deadLetters(10)).toEqual([letter]);
    });

    it('stays idempotent across a restart', async () => {
      const { user } = context();
      const envelopes = series(user, 3);
      await context().mailbox.store(entriesFor(user, envelopes));
      const reopened = await restart();
      await reopened.store(entriesFor(user, envelopes));
      await reopened.deadLetter({ envelope: envelopes[0], reason: 'after restart', at: 5 });
      expect(await reopened.count(user)).toBe(3);
      expect(await reopened.remove(user, [envelopes[2].id])).toBe(1);
      expect(ids(await reopened.oldest(user, 10))).toEqual(ids(envelopes.slice(0, 2)));
    });
  });
}
