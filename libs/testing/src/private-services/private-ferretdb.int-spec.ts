import { MongoMailbox } from '@linker/mailbox';
import { mailboxEnvelope } from '../contracts/mailbox.contract';
import { uniqueName } from '../unique-name';
import { PrivateFerretDb } from './private-ferretdb';
import { stopAndFindLeftovers } from './private-service';

/** A private FerretDB through the mailbox's own adapter. */
describe('PrivateFerretDb', () => {
  let ferretDb: PrivateFerretDb;
  const mailboxes: MongoMailbox[] = [];
  // The driver looks for a server this long before an operation fails (30 s by default).
  const open = async (database: string): Promise<MongoMailbox> => {
    const mailbox = await MongoMailbox.open({ url: `${ferretDb.url}?serverSelectionTimeoutMS=1000`, database });
    mailboxes.push(mailbox);
    return mailbox;
  };

  beforeAll(async () => {
    ferretDb = await PrivateFerretDb.start();
  });

  afterAll(async () => {
    await Promise.all(mailboxes.map((mailbox) => mailbox.close()));
    await ferretDb?.stop();
  });

  it('keeps stored messages across a kill -9 and a start; the mailbox fails while it is down', async () => {
    const [database, user] = [uniqueName('mailbox'), 'user-1'];
    const mailbox = await open(database);
    const stored = [mailboxEnvelope(user, { createdAt: 1 }), mailboxEnvelope(user, { createdAt: 2 })];
    await mailbox.store(stored.map((envelope) => ({ userId: user, envelope })));

    await ferretDb.kill();
    await expect(mailbox.oldest(user, 10)).rejects.toMatchObject({ code: 'MAILBOX_UNAVAILABLE', retriable: true });
    await expect(mailbox.store([{ userId: user, envelope: mailboxEnvelope(user) }])).rejects.toMatchObject({ code: 'MAILBOX_UNAVAILABLE' });

    await ferretDb.start();
    expect(ferretDb.lastStartMs).toBeGreaterThan(0);
    // The same mailbox goes on once the server is back, and finds what was stored before the kill.
    expect((await mailbox.oldest(user, 10)).map((envelope) => envelope.id)).toEqual(stored.map((envelope) => envelope.id));
    expect(await (await open(database)).count(user)).toBe(2);
  });

  it('stop leaves no process and no directory', async () => {
    await Promise.all(mailboxes.splice(0).map((mailbox) => mailbox.close()));
    expect(await stopAndFindLeftovers(ferretDb)).toEqual([]);
  });
});
