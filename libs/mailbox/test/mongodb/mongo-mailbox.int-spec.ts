import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { MongoMailbox } from '@linker/mailbox';
import { testServices, uniqueName } from '@linker/testing';
import { mailboxContract, mailboxEnvelope } from '@linker/testing/contracts/mailbox.contract';
import { mongoHarness } from './testing/mongo-harness';

mailboxContract('MongoMailbox', mongoHarness(testServices().mongodbUrl));

describe('MongoMailbox on a real server', () => {
  const url = testServices().mongodbUrl;
  const database = uniqueName('mailbox');
  const commands: CommandStartedEvent[] = [];
  const client = new MongoClient(url, { monitorCommands: true });
  client.on('commandStarted', (event) => commands.push(event));
  afterAll(async () => {
    await client.db(database).dropDatabase();
    await client.close();
  });

  it('creates its indexes at open, idempotently, and leaves a client it was given open', async () => {
    await (await MongoMailbox.open({ client, database })).close();
    const mailbox = await MongoMailbox.open({ client, database });
    await mailbox.close();
    const indexes = await client.db(database).collection('mailbox').listIndexes().toArray();
    const listed = indexes.map((index) => [index.name, Object.entries(index.key)]).sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(listed).toEqual([
      ['_id_', [['_id', 1]]],
      [
        'age_order',
        expect.arrayContaining([
          ['createdAt', 1],
          ['_id.userId', 1],
          ['_id.id', 1],
        ]),
      ],
      [
        'fetch_order',
        expect.arrayContaining([
          ['_id.userId', 1],
          ['createdAt', 1],
          ['_id.id', 1],
        ]),
      ],
    ]);
    const parked = await client.db(database).collection('dead_letters').listIndexes().toArray();
    expect(parked.map((index) => index.name)).toEqual(['_id_', 'parked_order']);
  });

  it('writes with write concern { w: majority, j: true }', async () => {
    const mailbox = await MongoMailbox.open({ client, database });
    const user = uniqueName('ANZ');
    const envelope = mailboxEnvelope(user);
    commands.length = 0;
    await mailbox.store([{ userId: user, envelope }]);
    await mailbox.remove(user, [envelope.id]);
    await mailbox.deadLetter({ envelope, reason: 'test', at: 1 });
    await mailbox.close();
    const writes = commands.filter((event) => ['insert', 'delete'].includes(event.commandName));
    expect(writes.map((event) => [event.commandName, event.command.writeConcern])).toEqual([
      ['insert', { w: 'majority', j: true }],
      ['delete', { w: 'majority', j: true }],
      ['insert', { w: 'majority', j: true }],
    ]);
  });

  it('rejects with a retriable MAILBOX_UNAVAILABLE when the server cannot be reached', async () => {
    const unreachable = 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200&connectTimeoutMS=200';
    await expect(MongoMailbox.open({ url: unreachable, database })).rejects.toMatchObject({
      code: 'MAILBOX_UNAVAILABLE',
      retriable: true,
    });
  });
});
