import { NodeWebSocket } from '@linker/client-sdk/node';
import { waitFor } from '../wait-for';

/** A frame as the server sent it, parsed (`{type, data, reference?, id?}`). */
export interface Frame {
  type: string;
  data: Record<string, unknown>;
  reference?: string;
  id?: string;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

const WAIT_MS = 10_000;

/**
 * One WebSocket to a connector, driven frame by frame: sends exactly what it is given (a string verbatim), records
 * every frame received and how the connection ended (the close code as the server's close frame said it: a socket
 * dropped without one reports 1006). Every wait has a deadline and says what it waited for.
 */
export class RawSocket {
  readonly frames: Frame[] = [];
  /** When each frame of `frames` arrived (epoch ms), at the same index. */
  readonly arrivals: number[] = [];
  closeInfo: CloseInfo | undefined;
  private readonly socket: NodeWebSocket;

  private constructor(
    readonly url: string,
    readonly label: string,
    options: ConstructorParameters<typeof NodeWebSocket>[1],
  ) {
    this.socket = new NodeWebSocket(url, options);
    this.socket.onmessage = (event) => {
      this.frames.push(JSON.parse(String(event.data)) as Frame);
      this.arrivals.push(Date.now());
    };
    this.socket.onclose = (event) => (this.closeInfo = { code: event.code, reason: event.reason });
  }

  /** Open a socket to `url` (`options.ca`: a `wss://` server's CA); resolves once it is open. */
  static async open(url: string, label = 'socket', options: ConstructorParameters<typeof NodeWebSocket>[1] = {}): Promise<RawSocket> {
    const raw = new RawSocket(url, label, options);
    let failure: unknown;
    raw.socket.onerror = (error) => (failure = error);
    await waitFor(`${label} to open ${url}`, () => {
      if (raw.closeInfo) throw new Error(`closed (${raw.closeInfo.code}) before opening: ${String(failure)}`);
      return raw.socket.readyState === 1;
    });
    return raw;
  }

  /** Whether the socket is open. */
  get isOpen(): boolean {
    return this.socket.readyState === 1;
  }

  /** Send one text frame: an object as JSON, a string as it is. */
  send(frame: object | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Send `bytes` as one frame, binary or (`binary: false`) text, exactly as they are (invalid UTF-8 included). */
  sendBytes(bytes: Uint8Array, binary: boolean): void {
    this.socket.send(bytes, { binary });
  }

  /** Stop reading: what the server sends piles up in the kernel's buffers, then in the server's (a slow consumer). */
  pause(): void {
    this.socket.pause();
  }

  /** Read again after `pause()`. */
  resume(): void {
    this.socket.resume();
  }

  /** `AUTH_CLIENT {appId, userId, token}` (with `ack: true` for ack mode) and the `AUTH_CLIENT_REPLY` it gets. */
  async auth(appId: string, userId: string, token = 'token-12345', ack = false): Promise<Frame> {
    this.send({ type: 'AUTH_CLIENT', data: { appId, userId, token, ...(ack ? { ack } : {}) } });
    return this.next('AUTH_CLIENT_REPLY');
  }

  /** The frames of `type` received so far that match `predicate`. */
  all(type: string, predicate: (frame: Frame) => boolean = () => true): Frame[] {
    return this.frames.filter((frame) => frame.type === type && predicate(frame));
  }

  /** Wait for the first frame of `type` matching `predicate` (received before this call or after). */
  next(type: string, predicate: (frame: Frame) => boolean = () => true, timeoutMs = WAIT_MS): Promise<Frame> {
    return this.find(`a ${type} frame`, (f) => f.type === type && predicate(f), timeoutMs);
  }

  /** Wait for the first frame matching `predicate`, whatever its type; `what` says what it waits for. */
  find(what: string, predicate: (frame: Frame) => boolean, timeoutMs = WAIT_MS): Promise<Frame> {
    return this.receive(what, () => this.frames.find(predicate), timeoutMs);
  }

  /** Wait until `count` frames of `type` matching `predicate` arrived; those frames. */
  count(type: string, count: number, predicate: (frame: Frame) => boolean = () => true, timeoutMs = WAIT_MS): Promise<Frame[]> {
    return this.receive(
      `${count} ${type} frames`,
      () => {
        const found = this.all(type, predicate);
        return found.length >= count && found;
      },
      timeoutMs,
    );
  }

  /** Wait for the MESSAGE whose content is `content`. */
  message(content: string, timeoutMs = WAIT_MS): Promise<Frame> {
    return this.next('MESSAGE', (frame) => frame.data.content === content, timeoutMs);
  }

  /** Wait for the INVALID_MESSAGE with `code` (and `reference`, when given). */
  error(code: string, reference?: string, timeoutMs = WAIT_MS): Promise<Frame> {
    return this.next('INVALID_MESSAGE', (f) => f.data.code === code && (reference === undefined || f.reference === reference), timeoutMs);
  }

  /** When `frame` (one of `frames`) arrived, epoch ms. */
  arrivalOf(frame: Frame): number {
    const index = this.frames.indexOf(frame);
    if (index < 0) throw new Error(`${this.label} never received that frame`);
    return this.arrivals[index];
  }

  /** The index in `frames` of the first frame matching `predicate` (-1 if none). */
  indexOf(predicate: (frame: Frame) => boolean): number {
    return this.frames.findIndex(predicate);
  }

  /** Wait until the connection is closed; its close code and reason. */
  closed(timeoutMs = WAIT_MS): Promise<CloseInfo> {
    return waitFor(`${this.label} to be closed (received: ${this.summary()})`, () => this.closeInfo, { timeoutMs });
  }

  /** Drop the connection without a close handshake (what the client had not read yet is lost) and wait for the close. */
  async terminate(): Promise<void> {
    if (this.closeInfo) return;
    this.socket.terminate();
    await this.closed();
  }

  /** Close with a close frame and wait until it is closed. */
  async close(): Promise<void> {
    if (this.closeInfo) return;
    this.socket.close(1000, 'test done');
    await this.closed();
  }

  /**
   * Wait until `found` returns something. Fails at once when the socket closed without it (nothing more can come),
   * with the close code, rather than at the deadline.
   */
  private async receive<T>(what: string, found: () => T | false | undefined, timeoutMs: number): Promise<T> {
    const outcome = await waitFor(
      `${this.label} to receive ${what} (received before the wait: ${this.summary()})`,
      (): { value: T } | { closed: CloseInfo } | undefined => {
        const value = found();
        if (value) return { value };
        return this.closeInfo && { closed: this.closeInfo };
      },
      { timeoutMs },
    );
    if ('value' in outcome) return outcome.value;
    const { code, reason } = outcome.closed;
    throw new Error(`${this.label} was closed (${code} ${reason}) before receiving ${what} (received: ${this.summary()})`);
  }

  /** The types of the last frames received, for failure messages. */
  summary(last = 12): string {
    const shown = this.frames.slice(-last).map((f) => (f.type === 'INVALID_MESSAGE' ? `${f.type}:${String(f.data.code)}` : f.type));
    return `${this.frames.length} frames${shown.length > 0 ? `, last: ${shown.join(', ')}` : ''}`;
  }
}
