import { v5, v7 } from 'uuid';

/**
 * A new message id: a UUIDv7. Ids made by one process sort in creation order (the library keeps a monotonic
 * counter within a millisecond), so the mailbox can use (createdAt, id) as its FIFO order.
 */
export function newMessageId(): string {
  return v7();
}

/** The namespace of `resendableMessageId`'s name-based UUIDs (a random UUID chosen once for linker-ts). */
const RESENDABLE_NAMESPACE = 'b4f1d2a6-3c8e-4f0a-9d6b-7e2c5a1f8e34';

/**
 * The message id of a frame that carries the client's own `id`: a name-based UUID (version 5) of the authenticated
 * user and that id, so a resend of the frame (same user, same client id) is the same message, and no user can pick
 * an id that collides with another user's message.
 */
export function resendableMessageId(userId: string, clientId: string): string {
  return v5(JSON.stringify([userId, clientId]), RESENDABLE_NAMESPACE);
}

/**
 * The message id, for one of its recipients, of a server API message that carries the caller's own `id`: a
 * name-based UUID of the sender, that id and the recipient, so a retry is the same message for each recipient, and
 * never the id of a client's frame (whose name has two parts, not three).
 */
export function resendableRecipientMessageId(userId: string, clientId: string, recipient: string): string {
  return v5(JSON.stringify([userId, clientId, recipient]), RESENDABLE_NAMESPACE);
}
