import Connection from 'kafkajs/src/network/connection';

/** Requests sent so far, by client id (`KafkaBusOptions.clientId`) and then by Kafka API name (Fetch, Produce, ...). */
export type RequestCounts = Map<string, Map<string, number>>;

export interface RequestCounter {
  /** The counts since the counter started (or since the last `reset`). */
  readonly counts: RequestCounts;
  /** The count of one API of one client. */
  of(clientId: string, apiName: string): number;
  reset(): void;
  /** Stop counting (restores kafkajs). */
  stop(): void;
}

/**
 * Counts every request each kafkajs client of this process sends to a broker, at the one place all of them go
 * through (a broker connection's `send`): producers, consumers and admins alike, retries included. For tests and
 * measurements only; one counter at a time.
 */
export function countKafkaRequests(): RequestCounter {
  const send = Connection.prototype.send;
  let counts: RequestCounts = new Map();
  Connection.prototype.send = function countedSend(this: Connection, protocol) {
    const byApi = counts.get(this.clientId) ?? new Map<string, number>();
    counts.set(this.clientId, byApi);
    byApi.set(protocol.request.apiName, (byApi.get(protocol.request.apiName) ?? 0) + 1);
    return send.call(this, protocol);
  };
  return {
    get counts() {
      return counts;
    },
    of: (clientId, apiName) => counts.get(clientId)?.get(apiName) ?? 0,
    reset: () => (counts = new Map()),
    stop: () => {
      Connection.prototype.send = send;
    },
  };
}
