import type { Envelope } from '@linker/contracts';
import type { Mailbox, MailboxEntry, StoredMessageRef } from '@linker/mailbox';

type Context = () => { mailbox: Mailbox; user: string; envelope: (to: string, overrides?: Partial<Envelope>) => Envelope };

const entriesFor = (userId: string, envelopes: readonly Envelope[]): MailboxEntry[] => envelopes.map((envelope) => ({ userId, envelope }));
const refs = (userId: string, envelopes: readonly Envelope[]): StoredMessageRef[] =>
  envelopes.map(({ id, createdAt }) => ({ userId, id, createdAt }));

/**
 * `overCap` and `olderThan` (the mailbox limits' reads): part of the mailbox contract, so every adapter passes them.
 * `envelope` makes an envelope for a user (the contract's `mailboxEnvelope`).
 */
export function describeMailboxLimits(context: Context): void {
  describe('mailbox limits', () => {
    it('names the oldest messages beyond the newest `keep`, at most `limit`, oldest first, and removes nothing', async () => {
      const { mailbox, user, envelope } = context();
      const base = 1_700_000_000_000;
      // Two share a createdAt: their ids decide which is older.
      const envelopes = [0, 1, 1, 2, 3, 4].map((n) => envelope(user, { createdAt: base + n }));
      const ordered = [...envelopes].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
      await mailbox.store(entriesFor(user, [...envelopes].reverse()));
      expect(await mailbox.overCap(user, 4, 100)).toEqual(refs(user, ordered.slice(0, 2)));
      expect(await mailbox.overCap(user, 1, 3)).toEqual(refs(user, ordered.slice(0, 3)));
      expect(await mailbox.overCap(user, 0, 100)).toEqual(refs(user, ordered));
      expect(await mailbox.overCap(user, 6, 100)).toEqual([]);
      expect(await mailbox.overCap(user, 60, 100)).toEqual([]);
      expect(await mailbox.overCap(user, 2, 0)).toEqual([]);
      expect(await mailbox.overCap(`${user}-nobody`, 0, 10)).toEqual([]);
      expect(await mailbox.count(user)).toBe(6);
    });

    it('follows stores and removals: what was removed is no longer over the cap', async () => {
      const { mailbox, user, envelope } = context();
      const envelopes = [0, 1, 2, 3, 4].map((n) => envelope(user, { createdAt: 1_700_000_000_000 + n }));
      await mailbox.store(entriesFor(user, envelopes.slice(0, 3)));
      expect(await mailbox.overCap(user, 3, 10)).toEqual([]);
      await mailbox.store(entriesFor(user, envelopes.slice(3)));
      const over = await mailbox.overCap(user, 3, 10);
      expect(over).toEqual(refs(user, envelopes.slice(0, 2)));
      expect(
        await mailbox.remove(
          user,
          over.map((ref) => ref.id),
        ),
      ).toBe(2);
      expect(await mailbox.overCap(user, 3, 10)).toEqual([]);
      expect((await mailbox.oldest(user, 10)).map((e) => e.id)).toEqual(envelopes.slice(2).map((e) => e.id));
    });

    it('names messages created before a cutoff, oldest first across users, of the users with a prefix', async () => {
      const { mailbox, user, envelope } = context();
      const other = `${user}x`;
      const stranger = `Z${user}`;
      const base = 1_700_000_000_000;
      const mine = [5, 1, 30].map((n) => envelope(user, { createdAt: base + n }));
      const theirs = [3, 1, 40].map((n) => envelope(other, { createdAt: base + n }));
      const foreign = [0, 2].map((n) => envelope(stranger, { createdAt: base + n }));
      await mailbox.store([...entriesFor(user, mine), ...entriesFor(other, theirs), ...entriesFor(stranger, foreign)]);
      const [a, b] = [user, other].sort();
      const tie = [
        { userId: a, id: (a === user ? mine : theirs)[1].id, createdAt: base + 1 },
        { userId: b, id: (b === user ? mine : theirs)[1].id, createdAt: base + 1 },
      ];
      const expected = [...tie, ...refs(other, [theirs[0]]), ...refs(user, [mine[0]])];
      expect(await mailbox.olderThan(base + 30, user, 100)).toEqual(expected);
      expect(await mailbox.olderThan(base + 30, user, 2)).toEqual(expected.slice(0, 2));
      expect(await mailbox.olderThan(base + 30, user, 0)).toEqual([]);
      expect(await mailbox.olderThan(base + 1, user, 100)).toEqual([]);
      expect((await mailbox.olderThan(base + 3, '', 100)).map((ref) => ref.createdAt)).toEqual(
        expect.arrayContaining([base, base + 1, base + 1, base + 2]),
      );
      expect(await mailbox.olderThan(base + 100, stranger, 100)).toEqual(refs(stranger, foreign));
      expect(await mailbox.count(user)).toBe(3);
    });

    it('forgets what was removed and sees what is stored again', async () => {
      const { mailbox, user, envelope } = context();
      const old = envelope(user, { createdAt: 1_000 });
      const young = envelope(user, { createdAt: 5_000 });
      await mailbox.store(entriesFor(user, [old, young]));
      expect(await mailbox.olderThan(2_000, user, 10)).toEqual(refs(user, [old]));
      await mailbox.remove(user, [old.id]);
      expect(await mailbox.olderThan(2_000, user, 10)).toEqual([]);
      await mailbox.store(entriesFor(user, [old, old]));
      expect(await mailbox.olderThan(2_000, user, 10)).toEqual(refs(user, [old]));
    });

    it('refuses both after close with MAILBOX_CLOSED', async () => {
      const { mailbox, user } = context();
      await mailbox.close();
      await expect(mailbox.overCap(user, 1, 1)).rejects.toMatchObject({ code: 'MAILBOX_CLOSED' });
      await expect(mailbox.olderThan(1, user, 1)).rejects.toMatchObject({ code: 'MAILBOX_CLOSED' });
    });
  });
}
