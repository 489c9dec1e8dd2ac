import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { testServices, uniqueName } from '@linker/testing';
import { ENTRIES, MongoTopologyHistory, VERSIONS } from '../../src/topology/mongo-topology-history';
import { topologyHistoryContract } from './testing/topology-history.contract';

const url = testServices().mongodbUrl;
const databases = new Map<MongoTopologyHistory, string>();

async function dropDatabase(database: string): Promise<void> {
  const admin = await MongoClient.connect(url);
  try {
    await admin.db(database).dropDatabase();
  } finally {
    await admin.close();
  }
}

/** Each history on a database of its own, dropped after its test; a restart is a new client on the same database. */
topologyHistoryContract('MongoTopologyHistory', {
  open: async () => {
    const database = uniqueName('topology-history');
    const history = await MongoTopologyHistory.open({ url, database });
    databases.set(history, database);
    return history;
  },
  reopen: async (history) => {
    await history.close();
    const database = databases.get(history) as string;
    const reopened = await MongoTopologyHistory.open({ url, database });
    databases.set(reopened, database);
    return reopened;
  },
  discard: async (history) => {
    await history.close();
    await dropDatabase(databases.get(history) as string);
  },
});

describe('MongoTopologyHistory on a real server', () => {
  const database = uniqueName('topology-history');
  const commands: CommandStartedEvent[] = [];
  const client = new MongoClient(url, { monitorCommands: true });
  client.on('commandStarted', (event) => commands.push(event));
  afterAll(async () => {
    await client.db(database).dropDatabase();
    await client.close();
  });

  it('creates its unique sequence index at open, idempotently: a second entry with a taken seq is refused', async () => {
    await (await MongoTopologyHistory.open({ url, database })).close();
    await (await MongoTopologyHistory.open({ url, database })).close();
    const entries = client.db(database).collection(ENTRIES);
    expect((await entries.listIndexes().toArray()).map((index) => [index.name, index.key, index.unique ?? false])).toEqual([
      ['_id_', { _id: 1 }, false],
      ['seq_order', { seq: 1 }, true],
    ]);
    await entries.insertOne({ seq: 1 });
    await expect(entries.insertOne({ seq: 1 })).rejects.toMatchObject({ code: 11000 });
    await entries.deleteMany({});
  });

  it("writes the YAML before its entry, both with write concern { w: majority, j: true }, and a version's YAML once", async () => {
    const history = await MongoTopologyHistory.open({ client, database });
    const version = 'aaaaaaaaaaaaaaaa';
    commands.length = 0;
    await history.append({ version, author: 'meta-server', time: '2026-01-01T00:00:00.000Z', kind: 'loaded' }, 'a: 1\n');
    await history.append({ version, author: 'bob', time: '2026-01-01T00:00:01.000Z', kind: 'rollback' }, 'a: 2\n');
    await history.close();
    const writes = commands.filter((event) => ['insert', 'update'].includes(event.commandName));
    expect(writes.map((event) => [event.commandName, event.command[event.commandName], event.command.writeConcern])).toEqual([
      ['update', VERSIONS, { w: 'majority', j: true }],
      ['insert', ENTRIES, { w: 'majority', j: true }],
      ['update', VERSIONS, { w: 'majority', j: true }],
      ['insert', ENTRIES, { w: 'majority', j: true }],
    ]);
    expect(await client.db(database).collection(VERSIONS).find({}).toArray()).toEqual([{ _id: version, yaml: 'a: 2\n' }]);
    await client.db(database).collection(ENTRIES).deleteMany({});
  });

  it('rejects with a retriable TOPOLOGY_HISTORY_UNAVAILABLE when the server cannot be reached', async () => {
    const unreachable = 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200&connectTimeoutMS=200';
    await expect(MongoTopologyHistory.open({ url: unreachable, database })).rejects.toMatchObject({
      code: 'TOPOLOGY_HISTORY_UNAVAILABLE',
      retriable: true,
    });
  });
});
