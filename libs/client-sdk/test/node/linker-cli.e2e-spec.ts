import { startCli, waitFor, type Cli } from '@linker/testing';
import { FakeConnector } from './testing/fake-connector';
import { record, TestClients } from './testing/clients';

describe('linker-cli', () => {
  jest.setTimeout(30_000);
  let connector: FakeConnector;
  const clients = new TestClients(() => connector);
  const started: Cli[] = [];

  beforeEach(async () => {
    connector = await FakeConnector.start({ authenticate: ({ userId }) => userId !== 'ANZ-666' });
  });
  afterEach(async () => {
    for (const cli of started.splice(0)) if (cli.child.exitCode === null) cli.child.kill();
    await clients.closeAll();
    await connector.stop();
  });

  const cli = (args: string[]): Cli => {
    const process = startCli(['--url', connector.url, '--app', 'app-id-343', ...args]);
    started.push(process);
    return process;
  };

  it('sends typed lines as MESSAGE, prints arriving messages, confirmations and fetches, and quits with 0', async () => {
    const peer = await clients.connected('ANZ-2');
    const peerEvents = record(peer);
    connector.store('ANZ-1', 'ANZ-3', 'stored for later');
    const chat = cli(['--user', 'ANZ-1', '--to', 'ANZ-2']);
    await chat.waitForOutput(/connected to ws:\/\/127\.0\.0\.1:\d+\/ws as ANZ-1/);

    chat.type('hello there');
    await waitFor('the peer to get the typed line', () => peerEvents.message.length === 1);
    expect(peerEvents.message[0]).toMatchObject({ from: 'ANZ-1', content: 'hello there', reference: expect.any(String) });
    const sent = connector.connections.find((c) => c.userId === 'ANZ-1')!.received[1];
    expect(sent).toEqual({
      type: 'MESSAGE',
      data: { to: 'ANZ-2', content: 'hello there' },
      reference: expect.any(String),
      feature: 'RELIABLE',
      id: expect.any(String),
    });
    await chat.waitForOutput(new RegExp(`ok delivered \\(ref ${sent.reference}\\)`));

    peer.send('ANZ-1', 'hi back', { reference: 'p1' });
    await chat.waitForOutput(/^\[\d\d:\d\d:\d\d\.\d{3}\] <- ANZ-2: hi back {2}\(ref p1, id msg-\d+\)$/m);

    chat.type('/fetch 5');
    await chat.waitForOutput(/<- ANZ-3: stored for later/);
    await chat.waitForOutput(/fetched 1 missed message\(s\); 0 left/);

    chat.type('/group ANZ-2,ANZ-4 to the group');
    await waitFor('the group copy', () => peerEvents.message.length === 2);
    expect(peerEvents.message[1].content).toBe('to the group');

    chat.type('/quit');
    expect(await chat.exited).toBe(0);
  });

  it('exits non-zero with a clear message when authentication is refused', async () => {
    const refused = cli(['--user', 'ANZ-666', '--to', 'ANZ-2']);
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toMatch(
      /authentication refused: ANZ-666 may not connect to ws:\/\/127\.0\.0\.1:\d+\/ws with app app-id-343 \(close code 4001\)/,
    );
  });

  it('says when the connection is lost and when it is back', async () => {
    const chat = cli(['--user', 'ANZ-1', '--to', 'ANZ-2']);
    await chat.waitForOutput(/connected to/);
    connector.connections[0].drop();
    await chat.waitForOutput(/!! connection lost \(close code 1006\); reconnecting/);
    await chat.waitForOutput(/\.\. reconnect attempt 1 in \d+ ms/);
    await chat.waitForOutput(/\.\. reconnected after 1 attempt\(s\); fetched 0 missed message\(s\)/);
    chat.child.stdin?.end(); // end of input quits too
    expect(await chat.exited).toBe(0);
  });

  it('explains a usage mistake', async () => {
    const wrong = cli(['--to', 'ANZ-2']);
    expect(await wrong.exited).toBe(64);
    expect(wrong.output()).toMatch(/--user is required/);
  });
});
