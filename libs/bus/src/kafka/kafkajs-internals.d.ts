/** The one kafkajs internal the adapter touches (see request-queue-fix.ts); kafkajs ships no types for it. */
declare module 'kafkajs/src/network/requestQueue' {
  export default class RequestQueue {
    pending: unknown[];
    scheduleCheckPendingRequests(): void;
    checkPendingRequests(): void;
  }
}
