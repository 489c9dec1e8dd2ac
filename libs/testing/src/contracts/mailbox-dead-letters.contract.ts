import type { DeadLetter, Mailbox } from '@linker/mailbox';
import { mailboxEnvelope, series } from './mailbox-envelope';

/** The mailbox under test and a user of its own (the contract suite's `beforeEach`). */
type Context = () => { mailbox: Mailbox; user: string };

/** The dead-letter park of the `Mailbox` contract (mailbox.contract.ts runs it for every adapter). */
export function describeDeadLetters(context: Context): void {
  describe('dead letters', () => {
    it('parks messages with their reason and lists them oldest first, up to the limit', async () => {
      const { mailbox, user } = context();
      const [a, b, c] = series(user, 3);
      const letters: DeadLetter[] = [
        { envelope: b, reason: 'hop limit 16 reached: domain-01,domain-02', at: 2_000 },
        { envelope: a, reason: 'handler failed 5 times: boom', at: 1_000 },
        { envelope: c, reason: 'unknown recipient app', at: 3_000 },
      ];
      for (const letter of letters) await mailbox.deadLetter(letter);
      expect(await mailbox.deadLetters(10)).toEqual([letters[1], letters[0], letters[2]]);
      expect(await mailbox.deadLetters(2)).toEqual([letters[1], letters[0]]);
      expect(await mailbox.count(user)).toBe(0);
    });

    it('keeps one dead letter per envelope id, the first one parked', async () => {
      const { mailbox, user } = context();
      const envelope = mailboxEnvelope(user);
      const first: DeadLetter = { envelope, reason: 'first failure', at: 1_000 };
      await mailbox.deadLetter(first);
      await mailbox.deadLetter({ envelope, reason: 'retried failure', at: 2_000 });
      await Promise.all([mailbox.deadLetter(first), mailbox.deadLetter(first)]);
      expect(await mailbox.deadLetters(10)).toEqual([first]);
    });

    it('finds a parked letter by its envelope id, exactly as parked; an unknown id finds none', async () => {
      const { mailbox, user } = context();
      const [a, b] = series(user, 2);
      const letter: DeadLetter = { envelope: b, reason: 'unreachable: ANZ-2 cannot be reached from domain-01', at: 2_000 };
      await mailbox.deadLetter({ envelope: a, reason: 'other', at: 1_000 });
      await mailbox.deadLetter(letter);
      expect(await mailbox.findDeadLetter(b.id)).toEqual(letter);
      expect(await mailbox.findDeadLetter(mailboxEnvelope(user).id)).toBeUndefined();
    });

    it('removes one letter by envelope id, says whether it was parked, and keeps the others in order', async () => {
      const { mailbox, user } = context();
      const [a, b, c] = series(user, 3);
      const letters = [a, b, c].map((envelope, n): DeadLetter => ({ envelope, reason: `failure ${n}`, at: 1_000 + n }));
      for (const letter of letters) await mailbox.deadLetter(letter);
      expect(await mailbox.removeDeadLetter(b.id)).toBe(true);
      expect(await mailbox.removeDeadLetter(b.id)).toBe(false);
      expect(await mailbox.removeDeadLetter(mailboxEnvelope(user).id)).toBe(false);
      expect(await mailbox.findDeadLetter(b.id)).toBeUndefined();
      expect(await mailbox.deadLetters(10)).toEqual([letters[0], letters[2]]);
    });

    it('parks an envelope id again once its letter was removed (a re-injection that failed once more)', async () => {
      const { mailbox, user } = context();
      const envelope = mailboxEnvelope(user);
      await mailbox.deadLetter({ envelope, reason: 'first', at: 1_000 });
      await mailbox.removeDeadLetter(envelope.id);
      const again: DeadLetter = { envelope, reason: 'after re-injection', at: 5_000 };
      await mailbox.deadLetter(again);
      expect(await mailbox.deadLetters(10)).toEqual([again]);
      expect(await mailbox.findDeadLetter(envelope.id)).toEqual(again);
    });
  });
}
