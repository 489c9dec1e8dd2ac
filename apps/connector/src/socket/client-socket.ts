import type { WebSocket } from 'ws';
import { CLOSE_CODES, type CloseCodeName } from '@linker/contracts';

/** Bounds of one socket's send queue (docs/protocol.md, Liveness). */
export interface SendLimits {
  /** Most frames waiting in this socket's own queue. */
  readonly maxFrames: number;
  /** Most bytes waiting: this queue plus what the socket buffered and the kernel has not taken yet. */
  readonly maxBytes: number;
}

/**
 * Called exactly once for every write `write` accepted: without an argument once ws handed the frame to the kernel,
 * with an error when the socket closed before that.
 */
export type WriteDone = (error?: Error) => void;

/** What `write` did: `ok` = accepted (sent or queued); `full` = refused, the queue is over its limits; `closed` = refused, the socket is closing. */
export type WriteResult = 'ok' | 'full' | 'closed';

/** What a socket tells its owner. Called on the event loop, one frame at a time, in arrival order. */
export interface SocketListener {
  /** One complete client frame (text unless `isBinary`). */
  message(data: Buffer, isBinary: boolean): void;
  /** The connection is gone (after a close handshake, a drop or `terminate`). Called once. */
  closed(code: number): void;
}

/** Frames go straight to ws while it holds at most this many unsent bytes; beyond, they wait in our own queue. */
const DIRECT_BYTES = 64 * 1024;
const TEXT_FRAME = { binary: false } as const;
/** RFC 6455: a close reason holds at most 123 bytes (ws throws beyond). */
const MAX_REASON_BYTES = 123;
const SOCKET_CLOSED = new Error('the socket closed before the frame was written');

/** The byte stream under the ws socket (the upgraded TCP socket), as far as `ClientSocket` uses it. */
export interface CorkableStream {
  cork(): void;
  uncork(): void;
}

interface Queued {
  readonly frame: Buffer;
  readonly done: WriteDone | undefined;
}

/**
 * One client WebSocket with a bounded send queue. Guarantees: frames are written in `write` order; a frame is never
 * split or dropped silently (an accepted write always ends in its `done`); the queue never holds more than `limits`.
 * The only class that touches a `ws` socket (with `WsServer`).
 */
export class ClientSocket {
  private readonly queue: Queued[] = [];
  private head = 0;
  private queuedBytes = 0;
  private closing = false;
  private missedPongs = 0;
  /** This tick: nothing written yet, one frame written (sent at once), or more (the stream is corked). */
  private tick: 'idle' | 'sent' | 'corked' = 'idle';
  private readonly pump = (): void => this.flush();
  private readonly endTick = (): void => {
    if (this.tick === 'corked') this.stream?.uncork();
    this.tick = 'idle';
  };

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: SendLimits,
    /** The socket ws writes to; when given, the frames of one tick leave in one write (see `send`). */
    private readonly stream?: CorkableStream,
  ) {
    ws.on('error', () => undefined); // a protocol error (e.g. 1009): ws closes the socket itself and 'close' follows
  }

  /** Start reporting frames and the close to `listener`. Call once, right after the connection opened. */
  listen(listener: SocketListener): void {
    this.ws.on('message', (data, isBinary) => listener.message(data as Buffer, isBinary));
    this.ws.on('pong', () => (this.missedPongs = 0));
    this.ws.once('close', (code: number) => {
      this.stopWriting();
      listener.closed(code);
    });
  }

  /** Frames waiting in this socket's own queue (not yet handed to ws). */
  get queuedFrames(): number {
    return this.queue.length - this.head;
  }

  /** Bytes waiting to be written: this socket's own queue and what ws buffered that the kernel has not taken yet. */
  get pendingBytes(): number {
    return this.queuedBytes + this.ws.bufferedAmount;
  }

  /**
   * What a burst of frames the client asked for (a fetch's messages) may bring now: half of the queue's bounds, less
   * what waits already (at least one frame, one byte). The other half stays free for what arrives meanwhile.
   */
  burstRoom(): { frames: number; bytes: number } {
    const { frames, bytes } = this.room();
    return { frames: Math.max(1, frames), bytes: Math.max(1, bytes) };
  }

  /** Whether a frame of `bytes` fits in what `burstRoom` leaves now. */
  hasRoomFor(bytes: number): boolean {
    const room = this.room();
    return room.frames > 0 && room.bytes >= bytes;
  }

  /** Half of the queue's bounds less what waits now (zero or less: no room). */
  private room(): { frames: number; bytes: number } {
    return {
      frames: Math.floor(this.limits.maxFrames / 2) - this.queuedFrames,
      bytes: Math.floor(this.limits.maxBytes / 2) - this.queuedBytes - this.ws.bufferedAmount,
    };
  }

  /**
   * Write one text frame (`frame` is not copied: never change it afterwards; one buffer may go to many sockets).
   * Sent at once while the socket keeps up, queued otherwise; refused (`full`) when the queue is over its limits.
   */
  write(frame: Buffer, done?: WriteDone): WriteResult {
    if (this.closing) return 'closed';
    const buffered = this.ws.bufferedAmount;
    if (this.head === this.queue.length && buffered <= DIRECT_BYTES) {
      this.send(frame, done);
      return 'ok';
    }
    if (this.queuedFrames >= this.limits.maxFrames || this.queuedBytes + buffered + frame.length > this.limits.maxBytes) return 'full';
    this.queue.push({ frame, done });
    this.queuedBytes += frame.length;
    return 'ok';
  }

  /**
   * Close with a close frame carrying the code of `name` and its reason (or `reason`, e.g. where to reconnect);
   * frames still queued fail. Idempotent.
   */
  close(name: CloseCodeName, reason: string = CLOSE_CODES[name].reason): void {
    if (this.closing) return;
    this.stopWriting();
    const { code } = CLOSE_CODES[name];
    this.ws.close(code, Buffer.byteLength(reason) <= MAX_REASON_BYTES ? reason : reason.slice(0, MAX_REASON_BYTES / 4));
  }

  /** Drop the connection without a close handshake (a peer that stopped answering). */
  terminate(): void {
    this.stopWriting();
    this.ws.terminate();
  }

  /**
   * One liveness tick: false (and the connection dropped) when the last `maxMissed` pings went unanswered, else
   * send a ping and true.
   */
  heartbeat(maxMissed: number): boolean {
    if (this.missedPongs >= maxMissed) {
      this.terminate();
      return false;
    }
    this.missedPongs += 1;
    if (!this.closing) this.ws.ping();
    return true;
  }

  private send(frame: Buffer, done: WriteDone | undefined): void {
    // The first frame of a tick leaves at once (a live message waits for nothing); when more follow in the same tick
    // (a fetch writes 2,000 to one socket in one go), the stream is corked until the next tick, so they leave in one
    // writev instead of one syscall each. Node's http server corks the same way.
    if (this.stream !== undefined) {
      if (this.tick === 'idle') {
        this.tick = 'sent';
        process.nextTick(this.endTick);
      } else if (this.tick === 'sent') {
        this.tick = 'corked';
        this.stream.cork();
      }
    }
    const callback = done === undefined ? this.pump : (error?: Error) => this.written(done, error);
    this.ws.send(frame, TEXT_FRAME, callback);
  }

  private written(done: WriteDone, error: Error | undefined): void {
    done(error ?? undefined);
    this.flush();
  }

  private flush(): void {
    while (!this.closing && this.head < this.queue.length && this.ws.bufferedAmount <= DIRECT_BYTES) {
      const next = this.queue[this.head];
      this.queue[this.head++] = undefined as unknown as Queued;
      this.queuedBytes -= next.frame.length;
      this.send(next.frame, next.done);
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1_024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private stopWriting(): void {
    if (this.closing) return;
    this.closing = true;
    const waiting = this.queue.slice(this.head);
    this.queue.length = 0;
    this.head = 0;
    this.queuedBytes = 0;
    for (const { done } of waiting) done?.(SOCKET_CLOSED);
  }
}
