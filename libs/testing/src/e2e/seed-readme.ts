/*
 * The JSON examples of the original's README (github.com/disney007/WebSocketaaS), copied character for character,
 * indentation included, and the replies it shows. A client written against that README must work unchanged
 * (docs/protocol.md, Compatibility).
 */

import type { RawSocket } from './raw-socket';

/** "Authentication": the object the README's `ws.onopen` sends (its JavaScript literal is valid JSON). */
export const SEED_AUTH_CLIENT = `{
          "type": "AUTH_CLIENT",
          "data": {
              "appId": "app-id-343",
              "userId": "ANZ-123223",
              "token": "token-12345"
          }
      }`;

/** The reply the README shows for it. */
export const SEED_AUTH_CLIENT_REPLY = {
  type: 'AUTH_CLIENT_REPLY',
  data: {
    appId: 'app-id-343',
    userId: 'ANZ-123223',
    isAuthenticated: true,
  },
};

/** "Send message to another connected user". */
export const SEED_MESSAGE = `{
          "type": "MESSAGE",
          "data": {
              "to": "ANZ-1232121",
              "content": "some thing here to send"
          },
         "feature":"RELIABLE",
         "reference":"abc123"
      }`;

/** "Send message to multiple users". */
export const SEED_GROUP_MESSAGE = `{
    "type": "GROUP_MESSAGE",
    "data": {
        "to": ["ANZ-1232121", "ANZ-1232122"],
        "content": "some thing here to send"
    },     
    "reference":"abc123"
}`;

/** "Fetch missing/missed messages". */
export const SEED_FETCH = `{
    "type": "FETCH_MISSING_MESSAGES_REQUEST",
    "data": {
        "count": 100
    }
}`;

/** The users the examples name. */
export const SEED_USERS = { sender: 'ANZ-123223', recipient: 'ANZ-1232121', second: 'ANZ-1232122' } as const;

/** The content every example sends. */
export const SEED_CONTENT = 'some thing here to send';

/** The same AUTH_CLIENT for another user of the README's app, in the README's layout. */
export function seedAuthClientFor(userId: string): string {
  return SEED_AUTH_CLIENT.replace('"ANZ-123223"', JSON.stringify(userId));
}

/** Log `socket` in as `userId` of the README's app with the README's AUTH_CLIENT; rejects with the reply if refused. */
export async function seedLogin(socket: RawSocket, userId: string, timeoutMs?: number): Promise<RawSocket> {
  socket.send(seedAuthClientFor(userId));
  const reply = await socket.next('AUTH_CLIENT_REPLY', undefined, timeoutMs);
  if (reply.data.isAuthenticated !== true) throw new Error(`login of ${userId} (${socket.label}) refused: ${JSON.stringify(reply)}`);
  return socket;
}
