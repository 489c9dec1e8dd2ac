/**
 * The little a link connection needs from a transport: text frames in and out, a close with a code, an abrupt drop.
 * `ws/` wraps a WebSocket in it (with heartbeats); `memory/` makes pairs of them in process. The link protocol on top
 * (handshake, batches, acks, limits) is written once, in `server-connection.ts` and `dialer-connection.ts`.
 */
export interface FrameSocket {
  /** The remote address, for logs (`127.0.0.1:53122`, `memory:domain-02`). */
  readonly remote: string;
  send(text: string): void;
  /** Close with a close frame; `onClose` fires with this code. */
  close(code: number, reason: string): void;
  /** Drop at once, without a close frame; `onClose` fires (1006 over a network). */
  terminate(): void;
  onFrame(handler: (data: Buffer) => void): void;
  /** Fires once, however the connection ended. */
  onClose(handler: (code: number, reason: string) => void): void;
  /** Round trips measured by the transport's heartbeat, if it has one. */
  onRtt?(handler: (ms: number) => void): void;
}
