import { v7 } from 'uuid';

/**
 * A new message id: a UUIDv7. Ids made by one process sort in creation order (the library keeps a monotonic
 * counter within a millisecond), so the mailbox can use (createdAt, id) as its FIFO order.
 */
export function newMessageId(): string {
  return v7();
}
