import type { PresenceCache } from '../sockets/presence-cache';
import { Effects, type StoredEntry } from './effects';

/**
 * What a batch stored, handed to the sockets its recipients have now. A message is stored because its recipient
 * looked offline when the batch read presence, or because the socket that had it closed; the recipient may have opened
 * a socket since and fetched before the store landed (a client reconnecting after a 4005, whose old socket's messages
 * are stored after its first fetch). Without this, the message would wait for that client's next fetch.
 *
 * Called once the stores are durable, with a fresh presence read: a socket registered before this read gets each
 * message as a mailbox delivery (the connector reports it and the mailbox removes it; a socket that has it already
 * drops the repeat), and a fetch that reads the mailbox after the store finds it there. So nothing stays stored for a
 * client that is online. The sockets holding a parked message are skipped (they wait for its ack). While presence may
 * miss sockets (after a Redis restart) a message that would stay stored throws a retriable error instead: the batch
 * is written again a little later. Undefined when nothing is to be handed.
 */
export async function storedToSockets(stored: readonly StoredEntry[], presence: PresenceCache, now: number): Promise<Effects | undefined> {
  if (stored.length === 0) return undefined;
  const sockets = await presence.sockets([...new Set(stored.map((entry) => entry.userId))]);
  const effects = new Effects();
  for (const { userId, envelope, heldBy } of stored) {
    const live = (sockets.get(userId) ?? []).filter((socket) => heldBy?.includes(socket.socketId) !== true);
    if (live.length > 0) effects.deliverToSockets('RELIABLE', userId, envelope, [[userId, live]], true);
    else if (heldBy === undefined) presence.offlineForSure(now);
  }
  return effects.outgoing.length > 0 ? effects : undefined;
}
