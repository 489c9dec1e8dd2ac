import { mkdtemp, rm } from 'node:fs/promises';
import { ClassicLevel } from 'classic-level';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedMailbox, type Mailbox } from '@linker/mailbox';
import { uniqueName } from '@linker/testing';
import { mailboxContract, mailboxEnvelope } from '@linker/testing/contracts/mailbox.contract';

/** Every mailbox gets its own directory under one temporary root, deleted after the suite. */
function embeddedHarness() {
  const root = mkdtemp(join(tmpdir(), 'linker-mailbox-'));
  const directories = new Map<Mailbox, string>();
  const openIn = async (directory: string): Promise<Mailbox> => {
    const mailbox = await EmbeddedMailbox.open({ directory });
    directories.set(mailbox, directory);
    return mailbox;
  };
  return {
    open: async () => openIn(join(await root, uniqueName('store'))),
    restart: async (mailbox: Mailbox) => {
      await mailbox.close();
      return openIn(directories.get(mailbox) as string);
    },
    directoryOf: (mailbox: Mailbox) => directories.get(mailbox) as string,
    cleanup: async () => rm(await root, { recursive: true, force: true }),
  };
}

mailboxContract('EmbeddedMailbox', embeddedHarness());

describe('EmbeddedMailbox keys', () => {
  const harness = embeddedHarness();
  afterAll(() => harness.cleanup());

  it('keeps users apart whose ids hold separators, escapes or prefixes of each other', async () => {
    const mailbox = await harness.open();
    const users = ['a', 'a\u0000b', 'a%00b', 'a\u0001', 'a b/ü', 'ab'];
    await mailbox.store(users.map((userId) => ({ userId, envelope: mailboxEnvelope(userId) })));
    await mailbox.store(users.map((userId) => ({ userId, envelope: mailboxEnvelope(userId) })));
    for (const userId of users) {
      const stored = await mailbox.oldest(userId, 10);
      expect(stored.map((envelope) => envelope.to)).toEqual([userId, userId]);
      expect(await mailbox.count(userId)).toBe(2);
    }
    await mailbox.close();
  });

  it('refuses a second open of a directory in use with MAILBOX_UNAVAILABLE', async () => {
    const first = await harness.open();
    const second = EmbeddedMailbox.open({ directory: harness.directoryOf(first) });
    await expect(second).rejects.toMatchObject({ code: 'MAILBOX_UNAVAILABLE' });
    await first.close();
  });
});

describe('EmbeddedMailbox age index', () => {
  const harness = embeddedHarness();
  afterAll(() => harness.cleanup());

  it('is built at open for a store written before it existed', async () => {
    const mailbox = await harness.open();
    const directory = harness.directoryOf(mailbox);
    const envelopes = [3, 1, 2].map((createdAt) => mailboxEnvelope('ANZ-1', { createdAt }));
    await mailbox.store(envelopes.map((envelope) => ({ userId: 'ANZ-1', envelope })));
    await mailbox.close();
    // What a store of the previous version holds: no age keys (`t`), no marker (`v`).
    const db = new ClassicLevel<string, string>(directory);
    const added = await db.keys({ gte: 't', lt: 'w' }).all();
    expect(added).toHaveLength(4);
    await db.batch(added.map((key) => ({ type: 'del' as const, key })));
    await db.close();

    const reopened = await harness.restart(mailbox);
    expect((await reopened.olderThan(3, 'ANZ-', 10)).map((ref) => ref.createdAt)).toEqual([1, 2]);
    await reopened.close();
  });
});
