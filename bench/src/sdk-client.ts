import WebSocket from 'ws';
import { LinkerClient, type WebSocketConstructor, type WebSocketLike } from '@linker/client-sdk';
import { NodeWebSocket } from '@linker/client-sdk/node';
import type { BenchClientFactory, BenchConnection, BenchEndpoint, Lane, OpenOptions } from './client';

/**
 * The SDK's `NodeWebSocket` takes only a URL; to bind a source address (127.0.0.x, for many thousand sockets) this
 * makes an equivalent class with `localAddress` set. Same WHATWG shape, same `ws` options.
 */
function boundWebSocket(localAddress: string): WebSocketConstructor {
  return class BoundWebSocket implements WebSocketLike {
    onopen: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    private readonly socket: WebSocket;

    constructor(url: string) {
      this.socket = new WebSocket(url, { perMessageDeflate: false, localAddress });
      this.socket.on('open', () => this.onopen?.({ type: 'open' }));
      this.socket.on('message', (data) => this.onmessage?.({ data: data.toString() }));
      this.socket.on('close', (code, reason) => this.onclose?.({ code, reason: reason.toString() }));
      this.socket.on('error', (error) => this.onerror?.(error));
    }

    get readyState(): number {
      return this.socket.readyState;
    }

    send(data: string): void {
      this.socket.send(data);
    }

    close(code?: number, reason?: string): void {
      if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
      else this.socket.close(code, reason);
    }
  };
}

const constructors = new Map<string, WebSocketConstructor>();

function webSocketFor(localAddress: string | undefined): WebSocketConstructor {
  if (localAddress === undefined) return NodeWebSocket;
  let constructor = constructors.get(localAddress);
  if (!constructor) constructors.set(localAddress, (constructor = boundWebSocket(localAddress)));
  return constructor;
}

class SdkConnection implements BenchConnection {
  constructor(readonly userId: string, private readonly client: LinkerClient, private readonly options: OpenOptions) {}

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
      ack: options.ack,
      webSocket: webSocketFor(options.localAddress),
      reconnect: false,
      fetchOnReconnect: 0,
    });
    client.on('message', (message) => options.handlers.onMessage(message.content, message.id));
    client.on('closed', ({ code }) => options.handlers.onClosed?.(code));
    await client.connect();
    return new SdkConnection(options.userId, client, options);
  },
};
