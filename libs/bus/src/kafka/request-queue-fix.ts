/**
 * kafkajs 2.2.4 (the last release) spins on every broker connection it holds: after each request it checks its
 * queue of pending requests, and with nothing pending it schedules the next check at a negative delay (1 ms), which
 * checks nothing and schedules again, about a thousand timer callbacks a second per connection for as long as the
 * process lives (kafkajs issues 1556 and 1704 on GitHub; the fix there was never released). That loop was most of
 * what an idle connector or processor cost.
 *
 * `stopIdleRequestQueueLoop` makes the check schedule itself only when something is pending. Nothing is lost: a
 * request that cannot be sent at once is queued by `push`, which schedules a check then, and every answered request
 * checks the queue again. Installed once, when this adapter creates its first client.
 */
import RequestQueue from 'kafkajs/src/network/requestQueue';

let installed = false;

export function stopIdleRequestQueueLoop(): void {
  if (installed) return;
  installed = true;
  const schedule = RequestQueue.prototype.scheduleCheckPendingRequests;
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleWhenPending(this: InstanceType<typeof RequestQueue>): void {
    if (this.pending.length === 0) return;
    schedule.call(this);
  };
}
