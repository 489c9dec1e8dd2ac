import { CLOSE_CODES } from '@linker/contracts';
import { waitFor } from '../wait-for';
import { expectError } from './error-behaviour';
import type { RawSocket } from './raw-socket';
import { bystanders, expectServed, type SuiteContext } from './suite-context';

/** `count` PING frames, each with its own reference (`<prefix>-<i>`), as JSON texts. */
function pings(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, i) => JSON.stringify({ type: 'PING', data: {}, reference: `${prefix}-${i}` }));
}

/** PING until a PONG beyond the `seen` first ones comes back (one PING per poll: the bucket refills meanwhile). */
async function answersPingAgain(socket: RawSocket, seen: number): Promise<void> {
  await waitFor(
    'the rate-limited socket to answer a PING again',
    () => {
      if (socket.all('PONG').length > seen) return true;
      socket.send({ type: 'PING', data: {} });
      return false;
    },
    { timeoutMs: 10_000, intervalMs: 100 },
  );
}

/** docs/protocol.md, Limits: rate limit, persistent abuse (4004), oversized frames (1009), invalid streaks (4007). */
export function abuseBehaviour(ctx: SuiteContext): void {
  describe('limits and abuse (other clients keep being served)', () => {
    rateBehaviour(ctx);
    sizeAndStreakBehaviour(ctx);
  });
}

function rateBehaviour(ctx: SuiteContext): void {
  it('RATE_LIMITED for the frames of a burst over the bucket, each with its reference; the socket stays open', async () => {
    const others = await bystanders(ctx);
    const socket = await ctx.login(ctx.users.anz());
    for (const text of pings(150, 'burst')) socket.send(text);
    const answered = (): number => socket.all('PONG').length + socket.all('INVALID_MESSAGE').length;
    await waitFor(`an answer to each of the 150 frames (${socket.summary()})`, () => answered() >= 150);
    const limited = socket.all('INVALID_MESSAGE');
    expect(limited.length).toBeGreaterThanOrEqual(40);
    expect(limited.every((f) => f.data.code === 'RATE_LIMITED' && /^burst-\d+$/.test(String(f.reference)))).toBe(true);
    expect(socket.all('PONG').length).toBeGreaterThanOrEqual(99); // the bucket of 100, less the AUTH_CLIENT frame
    await expectError(socket, 'RATE_LIMITED', limited[0].reference);
    await answersPingAgain(socket, socket.all('PONG').length);
    await expectServed(ctx, others);
  });
}

function sizeAndStreakBehaviour(ctx: SuiteContext): void {
  it('a 1 MiB frame closes the socket with 1009', async () => {
    const others = await bystanders(ctx);
    const socket = await ctx.login(ctx.users.anz());
    const content = 'x'.repeat(1024 * 1024);
    socket.send({ type: 'MESSAGE', data: { to: others.bId, content } });
    const closed = await socket.closed();
    expect(closed.code).toBe(CLOSE_CODES.MESSAGE_TOO_BIG.code);
    await expectServed(ctx, others);
    expect(others.b.all('MESSAGE', (f) => f.data.content === content)).toEqual([]);
  });

  it('a 1 MiB frame before authentication closes the socket with 1009 too', async () => {
    const others = await bystanders(ctx);
    const socket = await ctx.open('unauthenticated');
    socket.send(`{"type":"AUTH_CLIENT","data":{"appId":"${'x'.repeat(1024 * 1024)}","userId":"ANZ-1"}}`);
    expect((await socket.closed()).code).toBe(CLOSE_CODES.MESSAGE_TOO_BIG.code);
    expect(socket.all('AUTH_CLIENT_REPLY')).toEqual([]);
    await expectServed(ctx, others);
  });

  it('ten invalid frames in a row close the socket with 4007', async () => {
    const others = await bystanders(ctx);
    const socket = await ctx.login(ctx.users.anz());
    for (let i = 0; i < 10; i++) socket.send(`garbage ${i}`);
    const closed = await socket.closed();
    expect(closed.code).toBe(CLOSE_CODES.PROTOCOL_ABUSE.code);
    expect(socket.all('INVALID_MESSAGE', (f) => f.data.code === 'MALFORMED_JSON')).toHaveLength(10);
    await expectServed(ctx, others);
  });
}
