import { confirmationsBesides, confirmationsSettled, settle } from './markers';
import type { RawSocket } from './raw-socket';
import {
  SEED_AUTH_CLIENT,
  SEED_AUTH_CLIENT_REPLY,
  SEED_CONTENT,
  SEED_FETCH,
  SEED_GROUP_MESSAGE,
  SEED_MESSAGE,
  SEED_USERS,
  seedAuthClientFor,
} from './seed-readme';
import type { SuiteContext } from './suite-context';

/** A socket logged in as `userId` with the README's AUTH_CLIENT text. */
async function seedLogin(ctx: SuiteContext, userId: string, connector: number): Promise<RawSocket> {
  const socket = await ctx.open(userId, connector);
  socket.send(seedAuthClientFor(userId));
  expect(await socket.next('AUTH_CLIENT_REPLY')).toEqual({
    type: 'AUTH_CLIENT_REPLY',
    data: { appId: 'app-id-343', userId, isAuthenticated: true },
  });
  return socket;
}

/** The original README's examples sent verbatim, answered as that README shows (docs/protocol.md, Compatibility). */
export function seedReadmeBehaviour(ctx: SuiteContext): void {
  describe("the original README's examples, sent verbatim", () => {
    it('AUTH_CLIENT, MESSAGE with feature and reference, GROUP_MESSAGE and FETCH_MISSING_MESSAGES_REQUEST get the replies it shows', async () => {
      const recipient = await seedLogin(ctx, SEED_USERS.recipient, 1);
      const sender = await ctx.open('seed sender', 0);
      sender.send(SEED_AUTH_CLIENT);
      expect(await sender.next('AUTH_CLIENT_REPLY')).toEqual(SEED_AUTH_CLIENT_REPLY);

      sender.send(SEED_MESSAGE);
      const message = await recipient.message(SEED_CONTENT);
      expect(message).toEqual({
        type: 'MESSAGE',
        data: { from: SEED_USERS.sender, content: SEED_CONTENT },
        reference: 'abc123',
        id: expect.any(String),
      });
      const confirmation = await sender.next('MESSAGE_CONFIRMATION');
      expect(confirmation).toEqual({ type: 'MESSAGE_CONFIRMATION', data: { reference: 'abc123' } });

      sender.send(SEED_GROUP_MESSAGE);
      await recipient.count('MESSAGE', 2, (f) => f.data.content === SEED_CONTENT);
      await settle(ctx, sender, SEED_USERS.sender);
      const markers = await confirmationsSettled(ctx, sender);
      expect(confirmationsBesides(sender, markers)).toEqual([confirmation]); // none for the group message
      expect(recipient.all('MESSAGE', (f) => f.data.content === SEED_CONTENT)).toHaveLength(2);

      const second = await seedLogin(ctx, SEED_USERS.second, 0);
      second.send(SEED_FETCH);
      const complete = await second.next('FETCH_MISSING_MESSAGES_COMPLETE');
      expect(second.frames.slice(1)).toEqual([
        { type: 'MESSAGE', data: { from: SEED_USERS.sender, content: SEED_CONTENT }, reference: 'abc123', id: expect.any(String) },
        complete,
      ]);
      expect(complete).toEqual({ type: 'FETCH_MISSING_MESSAGES_COMPLETE', data: { leftMissingCount: 0 } });
    });
  });
}
