import { LinkerClient } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import { CLOSE_CODES } from '@linker/contracts';
import { runAbuseCase, waitFor, type AbuseCase, type EmbeddedDomain } from '@linker/testing';
import type { RawSocket } from '@linker/testing/e2e/raw-socket';
import { ackAsRead, fetchAll, Senders, tokensRead } from './testing/consumer-kit';
import { AbuseUsers, APP_ID, closeAll, login, RssPeak, rssMiB, startAbuseDomain } from './testing/flood-kit';

// Recipients that stop reading, against an embedded domain (`npm run -s build` first) while a well-behaved pair chats.
const MASTER = 'ANZ-123223'; // the app's master user: told when a socket of the app closes
const PADDING = 16 * 1024; // bytes of content per message: the 4 MiB send queue holds about 250 of them

let domain: EmbeddedDomain;
const users = new AbuseUsers();

beforeAll(async () => {
  domain = await startAbuseDomain('abuse-consumers');
}, 60_000);

afterAll(async () => {
  await domain?.close();
}, 30_000);

const pid = (): number => domain.process.child.pid as number;

/** What a slow consumer's case saw, in figures. */
interface SlowConsumerFigures {
  accepted: number;
  closedAfterMs: number;
  /** Messages sent to it beyond those it read before the close: what the kernel and the send queue held. */
  unreadAtClose: number;
  fetched: number;
  /** Confirmed to their senders and never read by the consumer (nor fetched): non-ack mode only. */
  confirmedUnread: number;
  rssMiB: { before: number; peak: number; after: number };
}

/**
 * A consumer that reads (and in ack mode acknowledges) 20 messages, then stops reading while 8 senders keep sending it
 * 16 KiB RELIABLE messages at 40/s each; once the server closed it (4005), it comes back and fetches its mailbox.
 */
async function slowConsumer(ack: boolean): Promise<SlowConsumerFigures> {
  const url = domain.connectorUrls[0];
  const consumer = users.one();
  const sockets: RawSocket[] = [];
  let senders: Senders | undefined;
  let peak: RssPeak | undefined;
  try {
    const master = await login(url, MASTER, { label: 'master' });
    const reader = await login(url, consumer, { ack, label: `slow consumer (${ack ? 'ack' : 'non-ack'})` });
    sockets.push(master, reader);
    const acking = ack ? ackAsRead(reader) : undefined;
    const before = rssMiB(pid());
    peak = new RssPeak(pid());
    senders = await Senders.start(url, users.many(8), consumer, PADDING);
    await reader.count('MESSAGE', 20, () => true, 30_000);
    const acked = acking?.stop() ?? new Set<string>();
    reader.pause();
    const pausedAt = Date.now();
    // The master user hears of the close at once; the consumer itself reads its close frame only once it reads again.
    await master.next('USER_DISCONNECTED', (f) => f.data.userId === consumer, 60_000);
    const closedAfterMs = Date.now() - pausedAt;
    const unreadAtClose = senders.sent.length - reader.all('MESSAGE').length;
    reader.resume();
    expect((await reader.closed(30_000)).code).toBe(CLOSE_CODES.SLOW_CONSUMER.code);
    // The queue's 4 MiB hold 256 of these messages: the server waited for it to fill (the kernel's buffers held more).
    expect(unreadAtClose).toBeGreaterThan((4 * 1024 * 1024) / PADDING);
    // Sending on while the consumer is away: those go to its mailbox.
    const sentAtClose = senders.sent.length;
    await waitFor('40 more messages sent after the close', () => senders!.sent.length >= sentAtClose + 40, { timeoutMs: 10_000 });
    const accepted = await senders.settle();
    const rss = { before, peak: peak.stop(), after: rssMiB(pid()) };
    const again = await login(url, consumer, { ack, label: 'consumer, back' });
    sockets.push(again);
    const fetched = await fetchAll(again, ack);
    const read = tokensRead(reader);
    // What came while it was away reaches it when it is back (stored for its fetch, or live if the processor got to it
    // after the login); in ack mode, so does whatever it did not acknowledge.
    const back = tokensRead(again);
    expect(senders.sent.slice(sentAtClose).filter((t) => !back.has(t))).toEqual([]);
    if (ack) expect(accepted.filter((t) => !acked.has(t) && !back.has(t))).toEqual([]);
    // Either mode: every message was delivered, as its mode means it, live or by the fetch: each is confirmed.
    await waitFor('every accepted message confirmed to its sender', () => accepted.every((t) => senders!.confirmed().has(t)), {
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    // Delivered (confirmed) and yet never read: non-ack mode only, what its connection had taken when it was dropped.
    const confirmedUnread = accepted.filter((t) => !read.has(t) && !back.has(t)).length;
    if (ack) expect(confirmedUnread).toBe(0);
    // Memory: the queue is bounded (4 MiB); the rest of the growth is the heap the traffic itself used (about 10 MB
    // of messages went through the process).
    expect(rss.peak - rss.before).toBeLessThan(128);
    return { accepted: accepted.length, closedAfterMs, unreadAtClose, fetched: fetched.size, confirmedUnread, rssMiB: rss };
  } finally {
    peak?.stop();
    await senders?.close();
    await closeAll(sockets);
  }
}

for (const ack of [true, false]) {
  it(`a consumer that stops reading (${ack ? 'ack' : 'non-ack'} mode) is closed at its send-queue bound; nothing is lost`, async () => {
    let figures: SlowConsumerFigures | undefined;
    const result = await runAbuseCase({
      name: `slow consumer, ${ack ? 'ack' : 'non-ack'} mode`,
      abuse: `a recipient${ack ? ' in ack mode' : ''} stops reading (its TCP socket paused) while 8 senders send it 16 KiB RELIABLE messages, 320/s`,
      answer: ack
        ? 'closed with 4005 once 4 MiB wait for it (LINKER_SEND_QUEUE_BYTES); every message it did not acknowledge is in its mailbox for the next fetch; memory bounded'
        : 'closed with 4005 once 4 MiB wait for it (LINKER_SEND_QUEUE_BYTES); what its socket took counts as delivered (confirmed), what waited in the queue is in its mailbox for the next fetch; memory bounded',
      pair: users.pair(domain.connectorUrls[0]),
      run: async () => {
        figures = await slowConsumer(ack);
      },
    });
    console.log(JSON.stringify({ figures, pair: result.pair }));
    expect(result.violations).toEqual([]);
  }, 180_000);
}

/** Send `perSender` messages from each of `senders` fresh users to `to` (at 40/s each) and wait until all are accepted. */
async function sendAll(url: string, to: string, senders: number, perSender: number, padding: number): Promise<string[]> {
  const sending = await Senders.start(url, users.many(senders), to, padding);
  try {
    await waitFor(`${senders * perSender} messages sent to ${to}`, () => sending.sent.length >= senders * perSender, {
      timeoutMs: 60_000,
      intervalMs: 20,
    });
    return await sending.settle();
  } finally {
    await sending.close();
  }
}

it('a reader that stops for good: non-ack mode counts what its socket took as delivered (confirmed, never read); ack mode does not', async () => {
  const url = domain.connectorUrls[0];
  const [plainUser, ackUser] = users.many(2);
  const sockets: RawSocket[] = [];
  const senders: Senders[] = [];
  const abuse: AbuseCase = {
    name: 'reader that stops for good',
    abuse:
      'two recipients, one in non-ack mode (as the original clients) and one in ack mode, stop reading for good (never resume, then vanish) while about 100 RELIABLE messages with a reference come to each',
    answer: 'set from what the run measured (below)',
    pair: users.pair(url),
    run: async () => {
      const plain = await login(url, plainUser, { label: 'non-ack reader' });
      const acking = await login(url, ackUser, { ack: true, label: 'ack-mode reader' });
      sockets.push(plain, acking);
      const acker = ackAsRead(acking);
      senders.push(await Senders.start(url, users.many(1), plainUser, 256), await Senders.start(url, users.many(1), ackUser, 256));
      await plain.count('MESSAGE', 5, () => true, 30_000);
      await acking.count('MESSAGE', 5, () => true, 30_000);
      const acked = acker.stop();
      plain.pause();
      acking.pause();
      const [toPlain, toAcking] = senders;
      const more = (s: Senders, n: number): Promise<unknown> =>
        waitFor(`${n} messages sent`, () => s.sent.length >= n, { timeoutMs: 30_000, intervalMs: 20 });
      await Promise.all([more(toPlain, toPlain.sent.length + 100), more(toAcking, toAcking.sent.length + 100)]);
      const [plainAccepted, ackAccepted] = await Promise.all([toPlain.settle(), toAcking.settle()]);
      // Non-ack mode: each frame its socket took (the kernel's buffers hold these 100 small ones) is delivered.
      await waitFor("the non-ack reader's messages confirmed", () => plainAccepted.every((t) => toPlain.confirmed().has(t)), {
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      // Both vanish without reading on: what their sockets held is gone with them. What they read is taken first: on
      // closing, ws still parses what its paused socket buffered, which since Node 22 (64 KiB stream buffers, 16 KiB
      // before) can be every one of these messages.
      const plainRead = tokensRead(plain);
      const ackRead = tokensRead(acking);
      await plain.terminate();
      await acking.terminate();
      const plainUnread = plainAccepted.filter((t) => toPlain.confirmed().has(t) && !plainRead.has(t));
      const ackUnread = ackAccepted.filter((t) => toAcking.confirmed().has(t) && !ackRead.has(t));
      expect(plainUnread.length).toBeGreaterThan(0);
      expect(ackUnread).toEqual([]);
      // Back again: ack mode gets every message it had not acknowledged; non-ack mode none of those it never read.
      const [plainAgain, ackAgain] = [
        await login(url, plainUser, { label: 'non-ack, back' }),
        await login(url, ackUser, { ack: true, label: 'ack, back' }),
      ];
      sockets.push(plainAgain, ackAgain);
      const ackFetched = await fetchAll(ackAgain, true);
      expect(ackAccepted.filter((t) => !acked.has(t) && !ackFetched.has(t))).toEqual([]);
      await waitFor(
        "the ack-mode reader's messages confirmed once it acknowledged the fetch",
        () => ackAccepted.every((t) => toAcking.confirmed().has(t)),
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      const plainFetched = await fetchAll(plainAgain, false);
      expect(plainUnread.filter((t) => plainFetched.has(t))).toEqual([]);
      abuse.answer =
        `non-ack mode: a frame its connection took counts as delivered and is confirmed: ${plainUnread.length} of the ${plainAccepted.length} messages sent to it confirmed, never read, not fetched again; ` +
        `ack mode: confirmed only once acknowledged: ${ackUnread.length} confirmed unread, all ${ackAccepted.length - acked.size} it had not acknowledged fetched on return`;
    },
  };
  try {
    const result = await runAbuseCase(abuse);
    console.log(JSON.stringify({ answer: result.answer, pair: result.pair }));
    expect(result.violations).toEqual([]);
  } finally {
    await Promise.all(senders.map((s) => s.close()));
    await closeAll(sockets);
  }
}, 120_000);

it('a fetch larger than a socket may hold is paced, not closed: 1,200 in ack mode (the SDK), 400 of 16 KiB in non-ack mode', async () => {
  const url = domain.connectorUrls[0];
  const [ackUser, plainUser] = users.many(2);
  const stored = await sendAll(url, ackUser, 10, 120, 16);
  const big = await sendAll(url, plainUser, 10, 40, PADDING);
  const client = new LinkerClient({
    url,
    appId: APP_ID,
    userId: ackUser,
    token: 't',
    ack: true,
    webSocket: NodeWebSocket,
    reconnect: false,
  });
  const plain = await login(url, plainUser, { label: 'non-ack fetcher' });
  try {
    await client.connect();
    const fetched = new Set<string>();
    for (let left = 1; left > 0;) {
      const batch = await client.fetchMissing(2_000);
      for (const message of batch.messages) fetched.add(message.content.split(' ', 1)[0]);
      left = batch.leftMissingCount;
    }
    expect(stored.filter((t) => !fetched.has(t))).toEqual([]);
    expect(client.state).toBe('open');
    const bigFetched = await fetchAll(plain, false);
    expect(big.filter((t) => !bigFetched.has(t))).toEqual([]);
    expect(plain.isOpen).toBe(true);
  } finally {
    await client.close();
    await plain.close();
  }
}, 120_000);
