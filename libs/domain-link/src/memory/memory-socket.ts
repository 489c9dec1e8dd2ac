import type { FrameSocket } from '../core/frame-socket';

/** 1006: how a connection dropped without a close frame reports itself (as over a network). */
const ABNORMAL_CLOSURE = 1006;

type Shared = { closed: boolean };

/**
 * One end of an in-process connection. Frames and the close arrive at the other end asynchronously (setImmediate,
 * first in first out), like over a socket: what was sent before a close arrives before it; a terminate loses what
 * has not arrived yet. Frames that arrive before a handler is set wait for it.
 */
class MemorySocket implements FrameSocket {
  other!: MemorySocket;
  private frameHandler: ((data: Buffer) => void) | undefined;
  private readonly early: Buffer[] = [];
  private closeHandler: ((code: number, reason: string) => void) | undefined;
  private ended: { code: number; reason: string } | undefined;

  constructor(
    readonly remote: string,
    private readonly shared: Shared,
  ) {}

  send(text: string): void {
    if (this.shared.closed) return;
    const data = Buffer.from(text);
    setImmediate(() => this.other.arrive(data));
  }

  close(code: number, reason: string): void {
    if (this.shared.closed) return;
    this.shared.closed = true;
    setImmediate(() => {
      this.end(code, reason);
      this.other.end(code, reason);
    });
  }

  terminate(): void {
    if (this.ended !== undefined) return;
    this.shared.closed = true;
    this.end(ABNORMAL_CLOSURE, '');
    this.other.end(ABNORMAL_CLOSURE, '');
  }

  onFrame(handler: (data: Buffer) => void): void {
    this.frameHandler = handler;
    for (const data of this.early.splice(0)) if (this.ended === undefined) handler(data);
  }

  onClose(handler: (code: number, reason: string) => void): void {
    this.closeHandler = handler;
    if (this.ended !== undefined) handler(this.ended.code, this.ended.reason);
  }

  private arrive(data: Buffer): void {
    if (this.ended !== undefined) return;
    if (this.frameHandler === undefined) this.early.push(data);
    else this.frameHandler(data);
  }

  private end(code: number, reason: string): void {
    if (this.ended !== undefined) return;
    this.ended = { code, reason };
    this.closeHandler?.(code, reason);
  }
}

/** A connected pair: [dialer's end, server's end]; each end's `remote` names the other side. */
export function memorySocketPair(dialerName: string, serverName: string): [FrameSocket, FrameSocket] {
  const shared: Shared = { closed: false };
  const dialer = new MemorySocket(`memory:${serverName}`, shared);
  const server = new MemorySocket(`memory:${dialerName}`, shared);
  dialer.other = server;
  server.other = dialer;
  return [dialer, server];
}
