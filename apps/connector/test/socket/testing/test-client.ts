import WebSocket from 'ws';
import type { ServerFrame } from '@linker/contracts';
import { waitFor } from '@linker/testing';

export interface TestClientOptions {
  /** Sent as the `Origin` header (browsers always send one; other clients usually do not). */
  origin?: string;
  /** Answer the server's pings (default true); false plays a peer that stopped responding. */
  autoPong?: boolean;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * A scripted WebSocket client for the connector's tests (ws is imported only under socket/): records every frame it
 * receives and how the connection ended; every wait has a deadline and says what it waited for.
 */
export class TestClient {
  readonly frames: ServerFrame[] = [];
  closeInfo: CloseInfo | undefined;
  pings = 0;
  /** The connector's id for this socket, once known (the test harness fills it in after auth). */
  socketId: string | undefined;
  private readonly listeners: Array<(frame: ServerFrame) => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      this.frames.push(frame);
      for (const listener of this.listeners) listener(frame);
    });
    ws.on('ping', () => (this.pings += 1));
    ws.on('close', (code, reason) => (this.closeInfo = { code, reason: reason.toString() }));
    ws.on('error', () => undefined);
  }

  /** Connect to `url`; resolves once open, rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, options: TestClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(url, { origin: options.origin, autoPong: options.autoPong ?? true });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Call `listener` synchronously on every frame received from now on. */
  onFrame(listener: (frame: ServerFrame) => void): void {
    this.listeners.push(listener);
  }

  /** Send a frame: an object is sent as JSON text, a string as it is. */
  send(frame: object | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Send a frame without waiting for anything, for floods; resolves when the socket has written them all. */
  async flood(frames: readonly string[]): Promise<void> {
    await new Promise<void>((resolve) => {
      for (let i = 0; i < frames.length; i++) this.ws.send(frames[i], i === frames.length - 1 ? () => resolve() : undefined);
    });
  }

  /** The frames of `type` received so far (optionally filtered). */
  all(type: string, predicate: (frame: ServerFrame) => boolean = () => true): ServerFrame[] {
    return this.frames.filter((frame) => frame.type === type && predicate(frame));
  }

  /** Wait for a frame of `type` (the first matching one received, even before this call). */
  next(type: string, predicate: (frame: ServerFrame) => boolean = () => true, timeoutMs = 10_000): Promise<ServerFrame> {
    return waitFor(`a ${type} frame`, () => this.frames.find((frame) => frame.type === type && predicate(frame)), { timeoutMs });
  }

  /** Wait for `count` frames of `type`. */
  async count(type: string, count: number, timeoutMs = 10_000): Promise<ServerFrame[]> {
    return waitFor(`${count} ${type} frames (have ${this.all(type).length})`, () => this.all(type).length >= count && this.all(type), {
      timeoutMs,
    });
  }

  /** AUTH_CLIENT and wait for the reply. */
  async auth(userId: string, extra: Record<string, unknown> = {}): Promise<ServerFrame> {
    this.send({ type: 'AUTH_CLIENT', data: { appId: 'app-1', userId, token: 'secret-token', ...extra } });
    return this.next('AUTH_CLIENT_REPLY');
  }

  /** Wait until the connection is closed; the close code and reason. */
  closed(timeoutMs = 10_000): Promise<CloseInfo> {
    return waitFor('the connection to close', () => this.closeInfo, { timeoutMs });
  }

  /** Stop reading from the socket (a slow consumer), or read again. */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  close(): void {
    this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }
}
