import { LinkerClient, type WebSocketConstructor } from '@linker/client-sdk';
import { boundNodeWebSocket, NodeWebSocket } from '@linker/client-sdk/node';
import type { BenchClientFactory, BenchConnection, BenchEndpoint, Lane, OpenOptions } from './client';

const constructors = new Map<string, WebSocketConstructor>();

function webSocketFor(localAddress: string | undefined): WebSocketConstructor {
  if (localAddress === undefined) return NodeWebSocket;
  let constructor = constructors.get(localAddress);
  if (!constructor) constructors.set(localAddress, (constructor = boundNodeWebSocket(localAddress)));
  return constructor;
}

class SdkConnection implements BenchConnection {
  constructor(
    readonly userId: string,
    private readonly client: LinkerClient,
    private readonly options: OpenOptions,
  ) {}

  send(to: string, content: string, lane: Lane): boolean {
    try {
      this.client.send(to, content, { feature: lane, confirmationEnabled: false });
      return true;
    } catch {
      return false;
    }
  }

  async fetch(count: number): Promise<number> {
    const { messages, leftMissingCount } = await this.client.fetchMissing(count);
    for (const message of messages) this.options.handlers.onMessage(message.content, message.id);
    return leftMissingCount;
  }

  ack(ids: string[]): void {
    this.client.sendRaw({ type: 'MESSAGE_ACK', data: { ids } });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Connections through `LinkerClient` (the Node adapter), without reconnects: a benchmark counts a drop, it does not hide it. */
export const sdkClient: BenchClientFactory = {
  name: 'client SDK',
  async open(endpoint: BenchEndpoint, options: OpenOptions): Promise<BenchConnection> {
    const client = new LinkerClient({
      url: endpoint.url,
      appId: endpoint.appId,
      userId: options.userId,
      token: 'bench',
      ack: options.ack === true,
      webSocket: webSocketFor(options.localAddress),
      reconnect: false,
      fetchOnReconnect: 0,
      // The load measures the message path itself: no ACCEPTED per message, and duplicates counted, not dropped.
      resend: false,
      dedupWindow: options.ack ? undefined : 0,
    });
    client.on('message', (message) => options.handlers.onMessage(message.content, message.id));
    client.on('closed', ({ code }) => options.handlers.onClosed?.(code));
    await client.connect();
    return new SdkConnection(options.userId, client, options);
  },
};
