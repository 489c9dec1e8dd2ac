import type { RawData, WebSocket } from 'ws';
import type { FrameSocket } from '../core/frame-socket';

export interface HeartbeatOptions {
  /** A WebSocket ping every `intervalMs`... */
  intervalMs: number;
  /** ...and a drop (terminate, 1006) once this many pings in a row went unanswered. */
  missedPongs: number;
}

const CLOSE_GRACE_MS = 1_000;

const toBuffer = (data: RawData): Buffer => (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));

/**
 * A `ws` WebSocket as a FrameSocket, with a heartbeat: a peer that stops answering pings is dropped, so a half-open
 * connection goes down within (missedPongs + 1) intervals. Pongs give the round-trip time. Frames that arrive before
 * a handler is set wait for it.
 */
export class WsFrameSocket implements FrameSocket {
  private frameHandler: ((data: Buffer) => void) | undefined;
  private readonly early: Buffer[] = [];
  private closeHandler: ((code: number, reason: string) => void) | undefined;
  private ended: { code: number; reason: string } | undefined;
  private rttHandler: ((ms: number) => void) | undefined;
  private readonly timer: NodeJS.Timeout;
  private missed = 0;
  private pingAt = 0;

  constructor(
    private readonly ws: WebSocket,
    readonly remote: string,
    heartbeat: HeartbeatOptions,
  ) {
    ws.on('message', (data) => this.arrive(toBuffer(data)));
    ws.on('pong', () => this.pong());
    // Errors (a frame over maxPayload, a reset) are followed by 'close', which is what the link reacts to.
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => this.end(code, reason.toString()));
    this.timer = setInterval(() => this.beat(heartbeat.missedPongs), heartbeat.intervalMs);
    this.timer.unref();
  }

  send(text: string): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(text);
  }

  /** Close with a close frame; a peer that does not answer it within a second is dropped. */
  close(code: number, reason: string): void {
    this.ws.close(code, reason);
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  terminate(): void {
    this.ws.terminate();
  }

  onFrame(handler: (data: Buffer) => void): void {
    this.frameHandler = handler;
    for (const data of this.early.splice(0)) handler(data);
  }

  onClose(handler: (code: number, reason: string) => void): void {
    this.closeHandler = handler;
    if (this.ended !== undefined) handler(this.ended.code, this.ended.reason);
  }

  onRtt(handler: (ms: number) => void): void {
    this.rttHandler = handler;
  }

  private arrive(data: Buffer): void {
    if (this.frameHandler === undefined) this.early.push(data);
    else this.frameHandler(data);
  }

  private beat(missedPongs: number): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.missed >= missedPongs) return this.ws.terminate();
    this.missed += 1;
    this.pingAt = performance.now();
    this.ws.ping();
  }

  private pong(): void {
    this.missed = 0;
    if (this.pingAt > 0) this.rttHandler?.(performance.now() - this.pingAt);
  }

  private end(code: number, reason: string): void {
    clearInterval(this.timer);
    if (this.ended !== undefined) return;
    this.ended = { code, reason };
    this.closeHandler?.(code, reason);
  }
}
