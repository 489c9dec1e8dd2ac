import WebSocket from 'ws';
import type { WebSocketConstructor, WebSocketLike } from '../types';

/**
 * The `ws` package behind the SDK's `WebSocketLike` (the WHATWG shape browsers have): text frames arrive as strings,
 * close events carry `{code, reason}` with the reason as text. Pass the class itself as `webSocket`:
 * `new LinkerClient({ ..., webSocket: NodeWebSocket })`.
 */
export class NodeWebSocket implements WebSocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private readonly socket: WebSocket;

  /** `ca`: the CA certificate(s) a `wss://` server's certificate must chain to (PEM text), e.g. a private CA's; unset: the system's. */
  constructor(url: string, options: { localAddress?: string; ca?: string } = {}) {
    this.socket = new WebSocket(url, { perMessageDeflate: false, ...options });
    this.socket.on('open', () => this.onopen?.({ type: 'open' }));
    this.socket.on('message', (data, isBinary) => this.onmessage?.({ data: isBinary ? data : data.toString() }));
    this.socket.on('close', (code, reason) => this.onclose?.({ code, reason: reason.toString() }));
    this.socket.on('error', (error) => this.onerror?.(error));
  }

  get readyState(): number {
    return this.socket.readyState;
  }

  /**
   * Send one frame: a string as a text frame; bytes as a binary frame, or, with `binary: false`, as a text frame of
   * exactly those bytes (ws does not check them: tests send invalid UTF-8 this way).
   */
  send(data: string | Uint8Array, { binary = typeof data !== 'string' }: { binary?: boolean } = {}): void {
    this.socket.send(data, { binary });
  }

  /**
   * Stop reading from the connection: frames the server sends pile up in the kernel's buffers, then in the server's,
   * as for a client that cannot keep up (TCP flow control). `resume()` reads again. Tools and tests use it to play a
   * slow consumer; a no-op unless open.
   */
  pause(): void {
    this.socket.pause();
  }

  /** Read from the connection again after `pause()`. */
  resume(): void {
    this.socket.resume();
  }

  /** Drop the connection without a close handshake, as a client that vanished does (ws reports the close as 1006). */
  terminate(): void {
    this.socket.terminate();
  }

  /** Close with a close frame; a socket still connecting is abandoned (ws reports the close as 1006). */
  close(code?: number, reason?: string): void {
    if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    else this.socket.close(code, reason);
  }
}

/**
 * `NodeWebSocket` with its sockets bound to a local source address (e.g. 127.0.0.x), for tools that open more
 * connections than one source address has ports.
 */
export function boundNodeWebSocket(localAddress: string): WebSocketConstructor {
  return class BoundNodeWebSocket extends NodeWebSocket {
    constructor(url: string) {
      super(url, { localAddress });
    }
  };
}
