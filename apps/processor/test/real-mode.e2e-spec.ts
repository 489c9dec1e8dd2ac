import { LinkerClient, type IncomingMessage } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import { intakeAssignment, startRealDomain, uniqueName, waitFor, type RealDomain, type RealDomainExtra } from '@linker/testing';
import type { Topology } from '@linker/topology';
// The partition Kafka's default partitioner (murmur2) gives a key: which processor holds a sender's intake partition.
import { partitionFor } from '../../../libs/bus/src/memory/partitioner';

// Real mode (README, Running a domain): the meta-server, two processors and two connectors as separate processes on Kafka, NATS, Redis
// and MongoDB (FerretDB). Each test runs its own domain (unique name), so topics, groups, keys and databases are its own.

const APP_ID = 'app-id-343';
/** LINKER_PARTITIONS as the harness sets it. */
const PARTITIONS = 4;

/** The original's single-domain app (authentication off), in a domain named `domain`. */
function seedTopology(domain: string): Topology {
  return {
    domains: [{ name: domain, urls: ['ws://127.0.0.1:8089', 'ws://127.0.0.1:9089'] }],
    domainLinks: [],
    clientApps: [{ appName: 'ANZ', appId: APP_ID, masterUserId: 'ANZ-123223', authEnabled: false }],
  };
}

/** A real-mode domain with a unique name (the harness gives every Kafka topic 4 partitions). */
async function realDomain(prefix: string, extra: RealDomainExtra = {}): Promise<RealDomain> {
  const domain = uniqueName(prefix);
  return startRealDomain({ topology: seedTopology(domain), domain }, extra);
}

/** A connected SDK client that records what it receives. Reconnects are off: the tests decide where users connect. */
class User {
  readonly messages: IncomingMessage[] = [];
  readonly confirmations: string[] = [];
  private constructor(readonly client: LinkerClient) {
    client.on('message', (message) => this.messages.push(message));
    client.on('confirmation', ({ reference }) => this.confirmations.push(reference));
  }

  static async connect(url: string, userId: string): Promise<User> {
    const client = new LinkerClient({ url, appId: APP_ID, userId, token: 'token-12345', webSocket: NodeWebSocket, reconnect: false });
    const user = new User(client);
    await client.connect();
    return user;
  }

  contents(): string[] {
    return this.messages.map((message) => message.content);
  }
}

/** A bare WebSocket that sends frames exactly as given and keeps every frame it receives (the original README's client). */
class RawSocket {
  readonly frames: Array<Record<string, unknown>> = [];
  private constructor(private readonly socket: NodeWebSocket) {
    socket.onmessage = ({ data }) => this.frames.push(JSON.parse(String(data)) as Record<string, unknown>);
  }

  static open(url: string): Promise<RawSocket> {
    const socket = new NodeWebSocket(url);
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(new RawSocket(socket));
      socket.onerror = (error) => reject(error instanceof Error ? error : new Error(`cannot connect to ${url}`));
    });
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** Wait for the `n`-th (1-based) frame of `type` and return it. */
  async nth(type: string, n = 1, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    return waitFor(`frame #${n} of type ${type}`, () => this.frames.filter((frame) => frame.type === type)[n - 1], { timeoutMs });
  }

  close(): void {
    this.socket.close(1000);
  }
}

/** Receive everything in the mailbox of `user` (fetch until nothing is left). */
async function fetchAll(user: User): Promise<IncomingMessage[]> {
  const fetched: IncomingMessage[] = [];
  for (let round = 0; round < 20; round++) {
    const { messages, leftMissingCount } = await user.client.fetchMissing(2_000);
    fetched.push(...messages);
    if (leftMissingCount === 0) return fetched;
  }
  throw new Error('the mailbox did not empty in 20 fetches');
}

const seq = (content: string): number => Number(/^seq:(\d+)$/.exec(content)?.[1] ?? NaN);

describe('real mode: a domain as separate processes on the real services', () => {
  describe('two connectors, two processors', () => {
    let domain: RealDomain;
    const users: User[] = [];
    const connect = async (i: number, userId: string): Promise<User> => {
      const user = await User.connect(domain.connectorUrls[i], userId);
      users.push(user);
      return user;
    };
    beforeAll(async () => {
      domain = await realDomain('real-basic');
    });
    afterEach(async () => {
      await Promise.all(users.splice(0).map((user) => user.client.close()));
    });
    afterAll(async () => {
      await domain?.close();
    });

    it('delivers a message from a user on connector 1 to a user on connector 2 on both lanes, each with its confirmation', async () => {
      const alice = await connect(0, 'ANZ-1001');
      const bob = await connect(1, 'ANZ-1002');

      alice.client.send('ANZ-1002', 'reliable hello', { reference: 'r-1' });
      alice.client.send('ANZ-1002', 'fast hello', { reference: 'f-1', feature: 'FAST' });
      bob.client.send('ANZ-1001', 'reliable reply', { reference: 'r-2' });

      await waitFor('bob to receive both messages', () => bob.messages.length === 2, { timeoutMs: 15_000 });
      const byContent = new Map(bob.messages.map((message) => [message.content, message]));
      expect(byContent.get('reliable hello')).toEqual({
        from: 'ANZ-1001',
        content: 'reliable hello',
        reference: 'r-1',
        id: expect.any(String),
      });
      expect(byContent.get('fast hello')).toEqual({ from: 'ANZ-1001', content: 'fast hello', reference: 'f-1', id: expect.any(String) });
      await waitFor('alice to receive the reply', () => alice.messages.length === 1, { timeoutMs: 15_000 });
      expect(alice.messages[0]).toEqual({ from: 'ANZ-1002', content: 'reliable reply', reference: 'r-2', id: expect.any(String) });

      await waitFor('both confirmations for alice', () => alice.confirmations.length === 2, { timeoutMs: 15_000 });
      expect([...alice.confirmations].sort()).toEqual(['f-1', 'r-1']);
      await waitFor('the confirmation for bob', () => bob.confirmations.length === 1, { timeoutMs: 15_000 });
      expect(bob.confirmations).toEqual(['r-2']);
    });

    it('writes each message to both sockets of a user connected to both connectors, and confirms it once', async () => {
      const sender = await connect(0, 'ANZ-2001');
      const onFirst = await connect(0, 'ANZ-2002');
      const onSecond = await connect(1, 'ANZ-2002');

      const references = ['m-1', 'm-2', 'm-3', 'm-4', 'm-5'];
      references.forEach((reference, i) => sender.client.send('ANZ-2002', `message ${i + 1}`, { reference }));
      sender.client.send('ANZ-2002', 'fast one', { reference: 'fast', feature: 'FAST' });

      for (const socket of [onFirst, onSecond]) {
        await waitFor('every message on each socket', () => socket.messages.length >= 6, { timeoutMs: 15_000 });
      }
      await waitFor('a confirmation per message', () => new Set(sender.confirmations).size === 6, { timeoutMs: 15_000 });
      // A marker sent after them, confirmed too: the second connector's reports of the first messages were handled
      // by then (each connector reports in order on its own key), so a duplicate confirmation would have arrived.
      sender.client.send('ANZ-2002', 'marker', { reference: 'marker' });
      for (const socket of [onFirst, onSecond]) {
        await waitFor('the marker on each socket', () => socket.contents().includes('marker'), { timeoutMs: 15_000 });
      }
      await waitFor('the marker confirmation', () => sender.confirmations.includes('marker'), { timeoutMs: 15_000 });

      for (const socket of [onFirst, onSecond]) {
        // One sender's RELIABLE messages keep their order (the FAST one rides another lane: no order across lanes).
        expect(socket.contents().filter((content) => content.startsWith('message'))).toEqual(references.map((_, i) => `message ${i + 1}`));
        expect(socket.contents().sort()).toEqual([...references.map((_, i) => `message ${i + 1}`), 'fast one', 'marker'].sort());
        expect(new Set(socket.messages.map((message) => message.id)).size).toBe(7);
      }
      expect(onFirst.messages.map((message) => message.id).sort()).toEqual(onSecond.messages.map((message) => message.id).sort());
      expect([...sender.confirmations].sort()).toEqual([...references, 'fast', 'marker'].sort());
    });

    it("answers the original README's JSON frames, sent verbatim, as that README shows", async () => {
      const target = await RawSocket.open(domain.connectorUrls[1]);
      const other = await RawSocket.open(domain.connectorUrls[1]);
      const ws = await RawSocket.open(domain.connectorUrls[0]);
      try {
        target.send(JSON.stringify({ type: 'AUTH_CLIENT', data: { appId: 'app-id-343', userId: 'ANZ-1232121', token: 'token-12345' } }));
        await target.nth('AUTH_CLIENT_REPLY');
        // Authentication, as in the original's README (`ws.onopen`).
        ws.send(JSON.stringify({ type: 'AUTH_CLIENT', data: { appId: 'app-id-343', userId: 'ANZ-123223', token: 'token-12345' } }));
        expect(await ws.nth('AUTH_CLIENT_REPLY')).toEqual({
          type: 'AUTH_CLIENT_REPLY',
          data: { appId: 'app-id-343', userId: 'ANZ-123223', isAuthenticated: true },
        });

        // "Send message to another connected user", then its MESSAGE_CONFIRMATION.
        ws.send(
          JSON.stringify({
            type: 'MESSAGE',
            data: { to: 'ANZ-1232121', content: 'some thing here to send' },
            feature: 'RELIABLE',
            reference: 'abc123',
          }),
        );
        expect(await target.nth('MESSAGE')).toEqual({
          type: 'MESSAGE',
          data: { from: 'ANZ-123223', content: 'some thing here to send' },
          reference: 'abc123',
          id: expect.any(String),
        });
        expect(await ws.nth('MESSAGE_CONFIRMATION')).toEqual({ type: 'MESSAGE_CONFIRMATION', data: { reference: 'abc123' } });

        // "Send message to multiple users": ANZ-1232121 is online, ANZ-1232122 offline (stored); no confirmation.
        ws.send(`{
    "type": "GROUP_MESSAGE",
    "data": {
        "to": ["ANZ-1232121", "ANZ-1232122"],
        "content": "some thing here to send"
    },
    "reference":"abc123"
}`);
        expect(await target.nth('MESSAGE', 2)).toEqual({
          type: 'MESSAGE',
          data: { from: 'ANZ-123223', content: 'some thing here to send' },
          reference: 'abc123',
          id: expect.any(String),
        });

        // "Fetch missing/missed messages": the offline recipient logs in and fetches.
        other.send(JSON.stringify({ type: 'AUTH_CLIENT', data: { appId: 'app-id-343', userId: 'ANZ-1232122', token: 'token-12345' } }));
        await other.nth('AUTH_CLIENT_REPLY');
        // The stored copy may land a moment after the online one was delivered (both are effects of one batch):
        // fetch again until it came (or arrived live, had the store not been done at the login).
        const fetchRequest = `{
    "type": "FETCH_MISSING_MESSAGES_REQUEST",
    "data": {
        "count": 100
    }
}`;
        let fetches = 0;
        const completes = (): Array<Record<string, unknown>> =>
          other.frames.filter((frame) => frame.type === 'FETCH_MISSING_MESSAGES_COMPLETE');
        await waitFor(
          'the group message for the user who was offline',
          () => {
            if (completes().length < fetches) return false;
            if (other.frames.some((frame) => frame.type === 'MESSAGE')) return true;
            other.send(fetchRequest);
            fetches += 1;
            return false;
          },
          { timeoutMs: 15_000, intervalMs: 100 },
        );
        // The fetch that returned it (or the last one, had it come live) leaves nothing behind.
        expect(completes().at(-1)).toEqual({ type: 'FETCH_MISSING_MESSAGES_COMPLETE', data: { leftMissingCount: 0 } });
        expect(other.frames.filter((frame) => frame.type === 'MESSAGE')).toEqual([
          {
            type: 'MESSAGE',
            data: { from: 'ANZ-123223', content: 'some thing here to send' },
            reference: 'abc123',
            id: expect.any(String),
          },
        ]);
        expect(ws.frames.filter((frame) => frame.type === 'MESSAGE_CONFIRMATION')).toHaveLength(1);
      } finally {
        for (const socket of [target, other, ws]) socket.close();
      }
    });
  });

  it('loses, duplicates and reorders none of 1,000 RELIABLE messages while the processor holding the sender is killed (SIGKILL)', async () => {
    const domain = await realDomain('real-processor-kill', {
      // The stream runs at about 200 frames/s, over the default rate limits (50/s per socket, 100/s per user): raised
      // for this domain.
      connectorEnv: {
        LINKER_RATE_LIMIT: '1000',
        LINKER_RATE_BURST: '1000',
        LINKER_USER_RATE_LIMIT: '1000',
        LINKER_USER_RATE_BURST: '1000',
      },
    });
    const users: User[] = [];
    try {
      const sender = await User.connect(domain.connectorUrls[0], 'ANZ-3001');
      const recipient = await User.connect(domain.connectorUrls[1], 'ANZ-3002');
      users.push(sender, recipient);

      // Which processor holds the intake partition of the sender's key, once the group has settled.
      const partition = partitionFor('ANZ-3001', PARTITIONS);
      const [owner, survivor] = await waitFor(
        'the two processors to share the intake partitions',
        () => {
          const [a, b] = domain.processors.map((processor) => intakeAssignment(processor, domain.domain));
          if (a.length + b.length !== PARTITIONS || new Set([...a, ...b]).size !== PARTITIONS) return undefined;
          return a.includes(partition) ? [domain.processors[0], domain.processors[1]] : [domain.processors[1], domain.processors[0]];
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );

      const total = 1_000;
      let killedAt = -1;
      for (let i = 0; i < total; i++) {
        sender.client.send('ANZ-3002', `seq:${i}`, { confirmationEnabled: false });
        if (killedAt < 0 && i === 700) {
          // A slow machine: keep most of the stream for after the kill.
          await waitFor('300 messages to arrive', () => recipient.messages.length >= 300, { timeoutMs: 30_000 });
        }
        if (killedAt < 0 && recipient.messages.length >= 300) {
          killedAt = i;
          owner.child.kill('SIGKILL');
        }
        if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 50)); // pace: about 200 messages/s
      }
      expect(killedAt).toBeGreaterThan(0);
      expect(killedAt).toBeLessThan(total);
      await owner.exited;
      await waitFor(
        'the surviving processor to take over the partition',
        () => intakeAssignment(survivor, domain.domain).includes(partition),
        {
          timeoutMs: 30_000,
          intervalMs: 100,
        },
      );

      // A marker after the stream: the lane keeps one sender's order, so once it is here every redelivered record
      // of the stream (the killed processor's uncommitted batch, handled again) has been handled before it.
      sender.client.send('ANZ-3002', 'end', { confirmationEnabled: false });
      await waitFor('the marker after every message', () => recipient.contents().includes('end'), { timeoutMs: 60_000, intervalMs: 50 });

      const received = recipient.messages.slice(0, -1);
      expect(recipient.messages.at(-1)?.content).toBe('end');
      expect(received.map((message) => seq(message.content))).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(new Set(received.map((message) => message.id)).size).toBe(total);
      expect(received.every((message) => message.from === 'ANZ-3001')).toBe(true);
    } finally {
      await Promise.all(users.map((user) => user.client.close()));
      await domain.close();
    }
  });

  describe('a connector killed (SIGKILL) while its user has RELIABLE messages in flight', () => {
    /**
     * The recipient is on connector 2, the sender on connector 1 sends a numbered stream (about 40 messages/s).
     * Once 20 have arrived, connector 2 is killed; the stream goes on for 4 s, past connector 2's presence lease
     * (2 s here). What was routed to connector 2 until the lease expired sits in its lane topic; what came after goes
     * to the mailbox. The recipient then logs in on connector 1 and fetches. Returns the numbers sent and everything
     * the recipient received (live on either socket, or fetched), to be checked by id.
     */
    async function killConnectorMidStream(domain: RealDomain, recipientId: string, senderId: string, users: User[]) {
      const sender = await User.connect(domain.connectorUrls[0], senderId);
      const recipient = await User.connect(domain.connectorUrls[1], recipientId);
      users.push(sender, recipient);
      const sent: number[] = [];
      const tick = async (): Promise<void> => {
        for (let k = 0; k < 2; k++) {
          sender.client.send(recipientId, `seq:${sent.length}`, { confirmationEnabled: false });
          sent.push(sent.length);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      };
      while (recipient.messages.length < 20) await tick();
      domain.connectors[1].child.kill('SIGKILL');
      const killedAt = Date.now();
      while (Date.now() - killedAt < 4_000) await tick();
      await domain.connectors[1].exited;

      const back = await User.connect(domain.connectorUrls[0], recipientId);
      users.push(back);
      const fetched = await fetchAll(back);
      return { sender, sent, before: recipient.messages, back, fetched };
    }

    /** Every number sent, each under one id only: what the recipient has once it de-duplicates by id. */
    function expectEachOnce(sent: number[], received: IncomingMessage[]): void {
      const byId = new Map(received.map((message) => [message.id, message]));
      const numbers = [...byId.values()].map((message) => seq(message.content)).sort((a, b) => a - b);
      const missing = sent.filter((n) => !numbers.includes(n));
      expect({ missing, underTwoIds: numbers.length - new Set(numbers).size }).toEqual({ missing: [], underTwoIds: 0 });
      expect(numbers).toEqual(sent);
      expect(received.every((message) => typeof message.id === 'string')).toBe(true);
    }

    /** Connector leases of 2 s; processors sweep for ended connectors every `sweepMs`. */
    const shortLease = (sweepMs: number): RealDomainExtra => ({
      connectorEnv: { LINKER_PRESENCE_TTL_MS: '2000', LINKER_PRESENCE_HEARTBEAT_MS: '500', LINKER_PRESENCE_ENDED_GRACE_MS: '1000' },
      processorEnv: { LINKER_PROCESSOR_SWEEP_INTERVAL_MS: String(sweepMs), LINKER_PRESENCE_ENDED_GRACE_MS: '1000' },
    });

    /**
     * Runs `killConnectorMidStream`, then `recover`, and checks that the recipient ends up with every number sent,
     * each exactly once by id (live before the kill, fetched, or re-sent to its new socket), and that one more fetch
     * brings nothing new.
     */
    async function expectHandedOver(
      prefix: string,
      extra: RealDomainExtra,
      recover?: (domain: RealDomain) => Promise<void>,
    ): Promise<void> {
      const domain = await realDomain(prefix, extra);
      const users: User[] = [];
      try {
        const { sent, before, back, fetched } = await killConnectorMidStream(domain, 'ANZ-5002', 'ANZ-5001', users);
        await recover?.(domain);
        const received = (): IncomingMessage[] => [...before, ...fetched, ...back.messages];
        await waitFor(
          'every number sent to have reached the recipient',
          () => new Set(received().map((message) => seq(message.content))).size === sent.length,
          { timeoutMs: 30_000, intervalMs: 50 },
        );
        expectEachOnce(sent, received());
        const more = await fetchAll(back);
        expectEachOnce(sent, [...received(), ...more]);
      } finally {
        await Promise.all(users.map((user) => user.client.close()));
        await domain.close();
      }
    }

    // Once connector-02's lease has ended, a processor claims it, drains its lane topic with its group and reports every
    // delivery undelivered: each is re-sent to the recipient's live socket on connector 1, or stored and fetched.
    it('hands them over with no connector of that name coming back: a processor drains its topic; each exactly once, by id', () =>
      expectHandedOver('real-connector-drained', shortLease(500)));

    // Processors that do not sweep in time: the new connector-02 consumes its lane topic from the last committed offset;
    // none of those sockets exist any more, so it reports every delivery undelivered and the processor re-sends each to
    // the recipient's live socket on connector 1 (or stores it).
    it('hands them over once a connector with the same name starts again: each exactly once, by id', () =>
      expectHandedOver('real-connector-restart', shortLease(600_000), async (domain) => void (await domain.restartConnector(1))));
  });
});
