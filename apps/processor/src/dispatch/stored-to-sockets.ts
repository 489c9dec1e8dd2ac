import type { PresenceCache } from '../sockets/presence-cache';
import { Effects, type StoredEntry } from './effects';

/**
 * What a batch stored, handed to the sockets its recipients have now. A message is stored because its recipient
 * looked offline when the batch read presence, or because the socket that had it closed; the recipient may have opened
 * a socket since and fetched before the store landed (a client reconnecting after a 4005, whose old socket's messages
 * are stored after its first fetch). Without this, the message would wait for that client's next fetch.
 *
 * Called once the stores are durable, with a fresh presence read: a socket registered before this read gets each
 * message as a mailbox delivery, if its send queue has room (the connector reports it and the mailbox removes it; a
 * socket that has it already drops the repeat; one without room leaves it stored for its next fetch), and a fetch that
 * reads the mailbox after the store finds it there. So nothing stays stored for a client that is online and keeps up.
 * Skipped: the sockets holding a parked message (they wait for its ack), and those that just could not take it (it
 * waits for their fetch rather than going round again). While presence may miss sockets (after a Redis restart) a
 * message that would stay stored for a user with no socket throws a retriable error instead: the batch is written
 * again a little later. Undefined when nothing is to be handed.
 */
export async function storedToSockets(stored: readonly StoredEntry[], presence: PresenceCache, now: number): Promise<Effects | undefined> {
  if (stored.length === 0) return undefined;
  const sockets = await presence.sockets([...new Set(stored.map((entry) => entry.userId))]);
  const effects = new Effects();
  for (const { userId, envelope, heldBy, failedOn } of stored) {
    const all = sockets.get(userId) ?? [];
    const live = all.filter((socket) => heldBy?.includes(socket.socketId) !== true && failedOn?.includes(socket.socketId) !== true);
    if (live.length > 0) effects.deliverToSockets('RELIABLE', userId, envelope, [[userId, live]], { fromMailbox: true, ifRoom: true });
    else if (heldBy === undefined && all.length === 0) presence.offlineForSure(now);
  }
  return effects.outgoing.length > 0 ? effects : undefined;
}
