/**
 * The little the benchmark needs from a client, so the harness does not depend on one implementation: the client
 * SDK (`sdk-client.ts`, the default) or a bare `ws` socket (`raw-client.ts`, the leanest possible load generator).
 */
export type Lane = 'RELIABLE' | 'FAST';

interface BenchHandlers {
  /** Content of every MESSAGE received (live or fetched). */
  onMessage(content: string, id: string | undefined): void;
  /** The connection ended (by either side). */
  onClosed?(code: number): void;
}

export interface BenchEndpoint {
  /** `ws://127.0.0.1:<port>/ws` */
  url: string;
  appId: string;
}

export interface OpenOptions {
  userId: string;
  ack?: boolean;
  /** Source address of the socket (127.0.0.x), to spread many sockets over more ephemeral ports. */
  localAddress?: string;
  handlers: BenchHandlers;
}

export interface BenchConnection {
  readonly userId: string;
  /** Fire and forget one MESSAGE (no confirmation asked); false when the socket is not open. */
  send(to: string, content: string, lane: Lane): boolean;
  /** One FETCH_MISSING_MESSAGES_REQUEST; resolves with leftMissingCount once the batch is complete. */
  fetch(count: number): Promise<number>;
  /** MESSAGE_ACK for ack mode. */
  ack(ids: string[]): void;
  close(): Promise<void>;
}

export interface BenchClientFactory {
  readonly name: string;
  /** Open, authenticate, resolve once AUTH_CLIENT_REPLY accepted; reject otherwise. */
  open(endpoint: BenchEndpoint, options: OpenOptions): Promise<BenchConnection>;
}

/** Open `count` connections, at most `concurrency` handshakes at a time; `options(i)` describes connection i. */
export async function openMany(
  factory: BenchClientFactory,
  endpoint: BenchEndpoint,
  count: number,
  options: (index: number) => OpenOptions,
  concurrency = 100,
): Promise<{ connections: BenchConnection[]; failures: string[] }> {
  const connections: BenchConnection[] = new Array(count);
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      try {
        connections[index] = await factory.open(endpoint, options(index));
      } catch (error) {
        failures.push(`${options(index).userId}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { connections: connections.filter((c) => c !== undefined), failures };
}

export async function closeAll(connections: BenchConnection[]): Promise<void> {
  await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
}
