import { CLOSE_CODES } from '@linker/contracts';
import { runAbuseCase, waitFor, type EmbeddedDomain } from '@linker/testing';
import type { RawSocket } from '@linker/testing/e2e/raw-socket';
import { AbuseUsers, closeAll, login, RssPeak, rssMiB, startAbuseDomain } from './testing/flood-kit';

// Floods against an embedded domain (`npm run -s build` first) while a well-behaved pair chats: one user flooding
// from ten sockets at once (and again as each is closed), and group messages fanned out to the most recipients
// allowed, as fast as the frame rate allows. The limits are the defaults:
const RATE = 50; // LINKER_RATE_LIMIT: frames a second per socket
const BURST = 100; // LINKER_RATE_BURST
const USER_RATE = 100; // LINKER_USER_RATE_LIMIT: frames a second per user, all its sockets together
const USER_BURST = 200; // LINKER_USER_RATE_BURST
const MAX_GROUP = 1_000; // LINKER_MAX_GROUP_RECIPIENTS
const GROUP_COST = MAX_GROUP / 100; // tokens a group of MAX_GROUP takes (LINKER_GROUP_RECIPIENTS_PER_TOKEN 100)

let domain: EmbeddedDomain;
const users = new AbuseUsers();
const pid = (): number => domain.process.child.pid as number;

beforeAll(async () => {
  domain = await startAbuseDomain('abuse-floods');
}, 60_000);

afterAll(async () => {
  await domain?.close();
}, 30_000);

/** One connection of the flooder: written to as fast as it can until the server closes it. */
interface FloodRun {
  socket: RawSocket;
  prefix: string;
  openedAt: number;
  closedAt: number;
  sent: number;
}

/** One socket of `flooder` writing MESSAGE frames (each with its own id) to `to` as fast as it can until it is closed. */
async function flood(url: string, flooder: string, to: string, prefix: string, sockets: RawSocket[]): Promise<FloodRun> {
  const socket = await login(url, flooder, { label: `flooder ${prefix}` });
  sockets.push(socket);
  const run: FloodRun = { socket, prefix, openedAt: Date.now(), closedAt: 0, sent: 0 };
  const deadline = run.openedAt + 30_000;
  while (socket.isOpen && Date.now() < deadline) {
    for (let i = 0; i < 200; i++) {
      const id = `${prefix}-${run.sent++}`;
      socket.send({ type: 'MESSAGE', data: { to, content: id }, id, reference: id });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  await socket.closed();
  run.closedAt = Date.now();
  return run;
}

/** Ten sockets of `flooder` flooding at once; each one closed is opened again (a persistent abuser) for `forMs`. */
async function floodFromTen(url: string, flooder: string, to: string, forMs: number, sockets: RawSocket[]): Promise<FloodRun[]> {
  const end = Date.now() + forMs;
  const slot = async (slot: number): Promise<FloodRun[]> => {
    const runs: FloodRun[] = [];
    for (let round = 0; round === 0 || Date.now() < end; round++)
      runs.push(await flood(url, flooder, to, `flood-${slot}.${round}`, sockets));
    return runs;
  };
  return (await Promise.all(Array.from({ length: 10 }, (_, i) => slot(i)))).flat();
}

/** Send `frame` (with its `id`) until the connector accepts it: a limit that refused it lets it through once refilled. */
async function sendUntilAccepted(socket: RawSocket, frame: { id: string }): Promise<void> {
  await waitFor(
    `${frame.id} accepted`,
    () => {
      if (socket.all('ACCEPTED', (f) => f.data.id === frame.id).length > 0) return true;
      socket.send(frame);
      return false;
    },
    { timeoutMs: 10_000, intervalMs: 200 },
  );
}

it('one user flooding MESSAGE frames from ten sockets, opened again as each is closed: limited per socket and per user', async () => {
  const url = domain.connectorUrls[0];
  const [flooder, target] = users.many(2);
  const sockets: RawSocket[] = [];
  let figures = {};
  const result = await runAbuseCase({
    name: 'message flood from ten sockets',
    abuse: 'one user writes MESSAGE frames (RELIABLE) as fast as it can on 10 sockets, opening a new one as each is closed, for 10 s',
    answer: `per socket ${BURST} frames, then ${RATE}/s; per user, all its sockets on a connector together, ${USER_BURST}, then ${USER_RATE}/s (new sockets bring no new burst); RATE_LIMITED for each frame over; 4004 after 500 refused in 5 s; what was accepted is delivered`,
    pair: users.pair(url),
    run: async () => {
      const recipient = await login(url, target, { label: 'flood recipient' });
      sockets.push(recipient);
      const startedAt = Date.now();
      const runs = await floodFromTen(url, flooder, target, 10_000, sockets);
      const endedAt = Date.now();
      // A marker the same user sends afterwards arrives after every flood message that was accepted (one sender's
      // messages arrive in order): then they are all counted.
      const marker = await login(url, flooder, { label: 'flooder, afterwards' });
      sockets.push(marker);
      await sendUntilAccepted(marker, { type: 'MESSAGE', data: { to: target, content: 'marker' }, id: 'marker' } as never);
      await recipient.message('marker', 30_000);
      const received = recipient.all('MESSAGE', (f) => String(f.data.content).startsWith('flood-'));
      const got = new Set(received.map((f) => f.data.content));
      for (const { socket, prefix, openedAt, closedAt } of runs) {
        expect(socket.closeInfo?.code).toBe(CLOSE_CODES.RATE_LIMITED.code);
        expect(socket.closeInfo?.reason).not.toBe('');
        const limited = socket.all('INVALID_MESSAGE', (f) => f.data.code === 'RATE_LIMITED');
        expect(limited.length).toBeGreaterThan(0);
        expect(limited.every((f) => String(f.reference).startsWith(`${prefix}-`))).toBe(true);
        expect(socket.all('ACCEPTED').filter((f) => !got.has(f.data.id))).toEqual([]);
        // Per connection: at most its own bucket (its burst, and the rate while it was open).
        const through = received.filter((f) => String(f.data.content).startsWith(`${prefix}-`)).length;
        expect(through).toBeLessThanOrEqual(BURST + (RATE * (closedAt - openedAt)) / 1_000);
      }
      // Per user, over every connection: its burst once, and its rate over the whole flood.
      expect(received.length).toBeLessThanOrEqual(USER_BURST + (USER_RATE * (endedAt - startedAt)) / 1_000);
      figures = {
        connections: runs.length,
        written: runs.reduce((sum, run) => sum + run.sent, 0),
        delivered: received.length,
        seconds: (endedAt - startedAt) / 1_000,
        rssMiB: rssMiB(pid()),
      };
    },
  }).finally(() => closeAll(sockets));
  console.log(JSON.stringify({ figures, pair: result.pair }));
  expect(result.violations).toEqual([]);
}, 120_000);

/** `GROUP_MESSAGE {to, content: id}` with `id` as its id and reference. */
function group(socket: RawSocket, id: string, to: readonly string[]): void {
  socket.send({ type: 'GROUP_MESSAGE', data: { to, content: id }, id, reference: id });
}

/**
 * Groups to `allowed` (MAX_GROUP recipients, `online` among them) as fast as the socket's limit allows for 10 s, then
 * faster, then one to `tooMany`, with the checks of the documented answer: how many were sent and accepted.
 */
async function fanOut(
  socket: RawSocket,
  online: RawSocket,
  allowed: readonly string[],
  tooMany: readonly string[],
): Promise<{ sent: number; accepted: number }> {
  // As fast as allowed: 45 tokens a second of the socket's 50, one group of 10 tokens every 222 ms.
  const startedAt = Date.now();
  let sent = 0;
  for (; Date.now() - startedAt < 10_000; sent++) {
    group(socket, `group-${sent}`, allowed);
    await new Promise((resolve) => setTimeout(resolve, (1_000 * GROUP_COST) / 45));
  }
  const answered = (): number => socket.all('ACCEPTED').length + socket.all('INVALID_MESSAGE').length;
  await waitFor(`an answer to each of the ${sent} group messages`, () => answered() >= sent, { timeoutMs: 30_000, intervalMs: 50 });
  expect(socket.all('INVALID_MESSAGE')).toEqual([]);
  // Faster than that, the limit answers.
  for (let i = 0; i < (2 * BURST) / GROUP_COST; i++) group(socket, `group-${sent++}`, allowed);
  await waitFor(`an answer to each of the ${sent} group messages`, () => answered() >= sent, { timeoutMs: 30_000, intervalMs: 50 });
  const endedAt = Date.now();
  const refused = socket.all('INVALID_MESSAGE');
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.every((f) => f.data.code === 'RATE_LIMITED')).toBe(true);
  const accepted = socket.all('ACCEPTED').length;
  expect(accepted).toBeLessThanOrEqual((BURST + (RATE * (endedAt - startedAt)) / 1_000) / GROUP_COST + 1);
  // One recipient over the cap: refused whole; a group the same socket sends after it arrives, that one never.
  group(socket, 'over', tooMany);
  const tooLarge = await socket.error('TOO_LARGE', 'over');
  expect(tooLarge.data).toMatchObject({ id: 'over', message: expect.stringMatching(/1001|1,001/) });
  await sendUntilAccepted(socket, {
    type: 'GROUP_MESSAGE',
    data: { to: allowed, content: 'after' },
    id: 'after',
    reference: 'after',
  } as never);
  await online.message('after', 60_000);
  expect(online.all('MESSAGE', (f) => f.data.content === 'over')).toEqual([]);
  expect(online.all('MESSAGE', (f) => String(f.data.content).startsWith('group-')).length).toBe(accepted);
  return { sent, accepted };
}

it('group messages to the most recipients allowed, as fast as the rate limit allows: the fan-out is paid for', async () => {
  const url = domain.connectorUrls[0];
  const sender = users.one();
  const recipients = users.many(MAX_GROUP + 1);
  const allowed = recipients.slice(0, MAX_GROUP);
  const sockets: RawSocket[] = [];
  let figures = {};
  const result = await runAbuseCase({
    name: 'group fan-out at the limits',
    abuse: `one socket sends GROUP_MESSAGE to ${MAX_GROUP} recipients (1 online, the rest offline) as fast as its rate limit allows for 10 s, then 20 at once, then one to ${MAX_GROUP + 1}`,
    answer: `a GROUP_MESSAGE takes one rate-limit token per 100 recipients: ${MAX_GROUP} take ${GROUP_COST}, so a socket fans out to at most 5,000 recipients/s (a user 10,000); RATE_LIMITED beyond; ${MAX_GROUP + 1} recipients: TOO_LARGE, nothing sent`,
    pair: users.pair(url),
    run: async () => {
      const online = await login(url, allowed[0], { label: 'group recipient' });
      const socket = await login(url, sender, { label: 'group sender' });
      sockets.push(online, socket);
      const before = rssMiB(pid());
      const peak = new RssPeak(pid());
      const startedAt = Date.now();
      try {
        const counts = await fanOut(socket, online, allowed, recipients);
        figures = { ...counts, deliveries: (counts.accepted + 1) * MAX_GROUP, seconds: (Date.now() - startedAt) / 1_000 };
      } finally {
        figures = { ...figures, rssMiB: { before, peak: peak.stop(), after: rssMiB(pid()) } };
      }
    },
  }).finally(() => closeAll(sockets));
  console.log(JSON.stringify({ figures, pair: result.pair }));
  expect(result.violations).toEqual([]);
}, 120_000);
