/** The one kafkajs internal the adapter touches (see request-queue-fix.ts); kafkajs ships no types for it. */
declare module 'kafkajs/src/network/requestQueue' {
  export default class RequestQueue {
    pending: unknown[];
    scheduleCheckPendingRequests(): void;
    checkPendingRequests(): void;
  }
}

/** Patched only by the request counter of the tests and measurements (test/kafka/testing/request-counter.ts). */
declare module 'kafkajs/src/network/connection' {
  export default class Connection {
    clientId: string;
    send(protocol: { request: { apiName: string } }): Promise<unknown>;
  }
}
