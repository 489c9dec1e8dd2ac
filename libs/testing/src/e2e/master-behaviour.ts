import { CLOSE_CODES } from '@linker/contracts';
import { AUTH_ANSWER } from './auth-server';
import { fetchFrames } from './mailbox-behaviour';
import { settle } from './markers';
import type { Frame } from './raw-socket';
import type { SuiteContext } from './suite-context';
import { ANZ, EXT } from './suite-topology';

const PRESENCE = ['USER_CONNECTED', 'USER_DISCONNECTED'];
const isPresence = (frame: Frame): boolean => PRESENCE.includes(frame.type);

/** CLOSE_CONNECTION and presence events (docs/protocol.md, Master users). */
export function masterBehaviour(ctx: SuiteContext): void {
  describe('master user', () => {
    presenceBehaviour(ctx);
    closeConnectionBehaviour(ctx);
  });
}

function presenceBehaviour(ctx: SuiteContext): void {
  it('gets USER_CONNECTED/USER_DISCONNECTED {userId} for each socket of the other users of its app, on every socket', async () => {
    const masters = [await ctx.login(ANZ.master, { connector: 0 }), await ctx.login(ANZ.master, { connector: 1 })];
    const userId = ctx.users.anz();
    const sockets = [await ctx.login(userId, { connector: 1 }), await ctx.login(userId, { connector: 0 })];
    for (const master of masters) {
      expect(await master.count('USER_CONNECTED', 2, (f) => f.data.userId === userId)).toEqual(
        Array(2).fill({ type: 'USER_CONNECTED', data: { userId } }),
      );
    }
    for (const socket of sockets) await socket.close();
    for (const master of masters) {
      expect(await master.count('USER_DISCONNECTED', 2, (f) => f.data.userId === userId)).toEqual(
        Array(2).fill({ type: 'USER_DISCONNECTED', data: { userId } }),
      );
    }
  });

  it('gets no presence event about itself, nor about users of another app', async () => {
    const master = await ctx.login(ANZ.master, { connector: 0 });
    const second = await ctx.login(ANZ.master, { connector: 1 });
    const extUser = ctx.users.of(EXT.appName, AUTH_ANSWER.accept);
    await ctx.login(extUser, { appId: EXT.appId });
    await second.close();
    const marker = ctx.users.anz();
    await (await ctx.login(marker, { connector: 1 })).close();
    await master.next('USER_DISCONNECTED', (f) => f.data.userId === marker);
    await settle(ctx, master, ANZ.master);
    const events = master.all('USER_CONNECTED').concat(master.all('USER_DISCONNECTED'));
    expect(events.filter((f) => f.data.userId === ANZ.master || f.data.userId === extUser)).toEqual([]);
    expect(second.frames.filter(isPresence).filter((f) => f.data.userId === ANZ.master)).toEqual([]);
  });

  it('never gets presence events stored for later: a fetch after being offline brings none', async () => {
    const userId = ctx.users.anz();
    const user = await ctx.login(userId);
    await settle(ctx, user, userId); // its USER_CONNECTED (keyed by the user) was handled while the master was offline
    await user.close();
    const master = await ctx.login(ANZ.master);
    const { messages, complete } = await fetchFrames(master, 100);
    expect(messages).toEqual([]);
    expect(complete.data).toEqual({ leftMissingCount: 0 });
    expect(master.frames.filter(isPresence).filter((f) => f.data.userId === userId && f.type === 'USER_CONNECTED')).toEqual([]);
  });
}

function closeConnectionBehaviour(ctx: SuiteContext): void {
  it('refuses CLOSE_CONNECTION from anyone but the master of the target app (NOT_ALLOWED), and the target keeps being served', async () => {
    const targetId = ctx.users.anz();
    const userId = ctx.users.anz();
    const targets = [await ctx.login(targetId, { connector: 0 }), await ctx.login(targetId, { connector: 1 })];
    const user = await ctx.login(userId, { connector: 0 });
    const otherMaster = await ctx.login(EXT.master, { appId: EXT.appId, connector: 1 });
    user.send({ type: 'CLOSE_CONNECTION', data: { userId: targetId }, reference: 'close-1' });
    otherMaster.send({ type: 'CLOSE_CONNECTION', data: { userId: targetId }, reference: 'close-2' });
    for (const [socket, reference] of [
      [user, 'close-1'],
      [otherMaster, 'close-2'],
    ] as const) {
      const error = await socket.error('NOT_ALLOWED', reference);
      expect(error).toEqual({ type: 'INVALID_MESSAGE', data: { code: 'NOT_ALLOWED', message: expect.any(String) }, reference });
    }
    const content = ctx.text('still here');
    user.send({ type: 'MESSAGE', data: { to: targetId, content } });
    for (const target of targets) expect((await target.message(content)).data.from).toBe(userId);
    expect(targets.map((t) => t.isOpen)).toEqual([true, true]);
  });

  it('lets the master close every socket of a user of its app (close frame 4003), and only those', async () => {
    const targetId = ctx.users.anz();
    const bystanderId = ctx.users.anz();
    const targets = [await ctx.login(targetId, { connector: 0 }), await ctx.login(targetId, { connector: 1 })];
    const bystander = await ctx.login(bystanderId, { connector: 1 });
    const master = await ctx.login(ANZ.master, { connector: 0 });
    master.send({ type: 'CLOSE_CONNECTION', data: { userId: targetId }, reference: 'close-3' });
    for (const target of targets) {
      const closed = await target.closed();
      expect(closed.code).toBe(CLOSE_CODES.CLOSED_BY_MASTER.code);
      expect(closed.reason).not.toBe('');
    }
    expect(master.all('INVALID_MESSAGE')).toEqual([]);
    expect((await ctx.deliver(master, bystander, bystanderId)).data.from).toBe(ANZ.master);
    expect((await ctx.deliver(bystander, master, ANZ.master)).data.from).toBe(bystanderId);
  });

  it('does not keep a CLOSE_CONNECTION for an offline user: it connects later and stays connected', async () => {
    const targetId = ctx.users.anz();
    const master = await ctx.login(ANZ.master, { connector: 0 });
    master.send({ type: 'CLOSE_CONNECTION', data: { userId: targetId }, reference: 'close-4' });
    await settle(ctx, master, ANZ.master);
    const target = await ctx.login(targetId, { connector: 1 });
    const { messages } = await fetchFrames(target, 10);
    expect(messages).toEqual([]);
    expect((await ctx.deliver(master, target, targetId)).data.from).toBe(ANZ.master);
    expect(target.isOpen).toBe(true);
    expect(master.all('INVALID_MESSAGE')).toEqual([]);
  });
}
