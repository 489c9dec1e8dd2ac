import { CLOSE_CODES, ERROR_CODES } from '@linker/contracts';
import { waitFor } from '../wait-for';
import { isUtf8, jsonText, type FuzzFrame } from './frame-fuzz';
import { RawSocket, type Frame } from './raw-socket';

/** The connector's defaults the lanes predict answers with: the frame limit, invalid frames in a row before 4007. */
const FRAME_LIMIT = 64 * 1024;
const MAX_INVALID = 10;
/** Each lane sends at most one frame this often: 20 a second, well under the rate limit (50/s, burst 100). */
const PACE_MS = 50;
const WAIT_MS = 10_000;
/** Codes the connector answers at once, in frame order (the others come later, from the processor or a lane). */
const AT_ONCE = new Set([
  'MALFORMED_JSON',
  'UNKNOWN_TYPE',
  'INVALID_FIELD',
  'ALREADY_AUTHENTICATED',
  'TOO_LARGE',
  'RATE_LIMITED',
  'OVERLOADED',
]);
/** What a fuzz lane may receive at all. */
const LANE_TYPES = new Set([
  'AUTH_CLIENT_REPLY',
  'AUTH_REQUIRED',
  'INVALID_MESSAGE',
  'PONG',
  'ACCEPTED',
  'FETCH_MISSING_MESSAGES_COMPLETE',
  'MESSAGE_CONFIRMATION',
]);

/** How often each answer was seen: `INVALID_MESSAGE <code>`, `AUTH_REQUIRED`, `PONG`, `ACCEPTED`, `close <code>`, ... */
export type Tally = Record<string, number>;

/** The answer the documentation promises for a frame, given the lane's state. */
export type Expected =
  | { kind: 'refused'; code?: string; reference?: string }
  | { kind: 'auth-required' }
  | { kind: 'pong' }
  | { kind: 'closed'; code: number }
  | { kind: 'accepted'; id: string; content: string; to: string[] }
  | { kind: 'fetched' };

/** A valid message a lane sent: answered later (ACCEPTED), and shown to its recipients. */
export interface SentMessage {
  id: string;
  content: string;
  to: string[];
  /** ACCEPTED arrived (false: its socket closed before; it may or may not have been sent on). */
  accepted: boolean;
}

/** The frame type of each answer the connector gives at once. */
const ANSWER_TYPES = { refused: 'INVALID_MESSAGE', 'auth-required': 'AUTH_REQUIRED', pong: 'PONG' } as const;

const isSync = (f: Frame): boolean =>
  f.type === 'PONG' || f.type === 'AUTH_REQUIRED' || (f.type === 'INVALID_MESSAGE' && AT_ONCE.has(String(f.data.code)));

/** The reference the connector echoes: a string as it is, a finite number as its text; else none. */
function referenceOf(frame: Record<string, unknown>): string | undefined {
  const { reference } = frame;
  if (typeof reference === 'string') return reference;
  return typeof reference === 'number' && Number.isFinite(reference) ? String(reference) : undefined;
}

/**
 * One socket of the fuzz, logged in as `userId` (or never logged in), that plays frames one at a time and checks each
 * answer against the documented one: a refusal (`INVALID_MESSAGE` with its code and the frame's reference), AUTH_REQUIRED
 * before login, PONG, ACCEPTED for a valid message, or the close code (1007 not UTF-8, 1009 too big, 4001 refused login,
 * 4007 ten invalid frames in a row). The connector answers all but ACCEPTED and FETCH's completion at once, in frame
 * order, so the k-th of those answers belongs to the k-th frame that gets one. A lane whose socket was closed opens
 * (and logs in) again before its next frame.
 */
export class FuzzLane {
  private socket: RawSocket | undefined;
  private matched = 0;
  private streak = 0;
  private lastSend = 0;
  private readonly pending: Expected[] = [];

  constructor(
    readonly label: string,
    private readonly url: string,
    private readonly appId: string,
    private readonly userId: string | undefined,
    private readonly tally: Tally,
    private readonly sent: SentMessage[],
  ) {}

  /** Close the socket (the next frame opens a fresh one): an unauthenticated lane does so before the auth deadline. */
  async renew(): Promise<void> {
    await this.socket?.close();
    this.socket = undefined;
  }

  /** Play `frame` (a valid one is made from `make`) and check its answer; rejects with the frame and what came instead. */
  async play(
    frame: FuzzFrame,
    make: (frame: Extract<FuzzFrame, { kind: 'valid' }>) => { frame: object; expected: Expected },
  ): Promise<void> {
    const socket = await this.open();
    const { bytes, binary, expected } = this.predict(frame, make);
    if (expected.kind === 'closed' || (expected.kind === 'refused' && this.streak + 1 >= MAX_INVALID)) await this.settle();
    await this.pace();
    socket.sendBytes(bytes, binary);
    try {
      await this.check(socket, expected);
    } catch (error) {
      const shown = binary
        ? `binary ${Buffer.from(bytes).toString('hex').slice(0, 120)}`
        : `text ${JSON.stringify(Buffer.from(bytes).toString().slice(0, 200))}`;
      throw new Error(
        `${this.label}, frame ${JSON.stringify(frame.kind === 'invalid' ? frame.why : frame.kind)}: ${shown}\n${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** Wait for the later answers of what this socket sent (ACCEPTED, FETCH_MISSING_MESSAGES_COMPLETE). */
  async settle(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    const waiting = this.pending.splice(0);
    const fetches = waiting.filter((e) => e.kind === 'fetched').length;
    await waitFor(
      `${this.label}: ACCEPTED for each valid message and an answer to each fetch (${socket.summary()})`,
      () => {
        if (socket.closeInfo) return true;
        const accepted = new Set(socket.all('ACCEPTED').map((f) => f.data.id));
        return (
          waiting.every((e) => e.kind !== 'accepted' || accepted.has(e.id)) &&
          socket.all('FETCH_MISSING_MESSAGES_COMPLETE').length >= fetches
        );
      },
      { timeoutMs: WAIT_MS },
    );
    const accepted = new Set(socket.all('ACCEPTED').map((f) => f.data.id));
    for (const e of waiting) {
      if (e.kind !== 'accepted') continue;
      this.sent.push({ id: e.id, content: e.content, to: e.to, accepted: accepted.has(e.id) });
      if (accepted.has(e.id)) this.count('ACCEPTED');
    }
    this.count('FETCH_MISSING_MESSAGES_COMPLETE', fetches);
    this.audit(socket);
  }

  private async open(): Promise<RawSocket> {
    if (this.socket && !this.socket.closeInfo) return this.socket;
    if (this.socket) this.audit(this.socket);
    const socket = await RawSocket.open(this.url, this.label);
    if (this.userId !== undefined) {
      const reply = await socket.auth(this.appId, this.userId, 'fuzz');
      if (reply.data.isAuthenticated !== true) throw new Error(`${this.label} could not log in as ${this.userId}`);
    }
    this.socket = socket;
    this.matched = 0;
    this.streak = 0;
    this.pending.splice(0);
    return socket;
  }

  /** The bytes to send and the answer the documentation promises for them, on this lane as it is now. */
  private predict(frame: FuzzFrame, make: Parameters<FuzzLane['play']>[1]): { bytes: Uint8Array; binary: boolean; expected: Expected } {
    const authenticated = this.userId !== undefined;
    switch (frame.kind) {
      case 'binary':
        return { bytes: frame.bytes, binary: true, expected: { kind: 'refused', code: 'MALFORMED_JSON' } };
      case 'oversize':
        return {
          bytes: Buffer.alloc(frame.size, 0x20),
          binary: false,
          expected: { kind: 'closed', code: CLOSE_CODES.MESSAGE_TOO_BIG.code },
        };
      case 'valid': {
        const made = make(frame);
        return {
          bytes: Buffer.from(JSON.stringify(made.frame)),
          binary: false,
          expected: authenticated ? made.expected : { kind: 'auth-required' },
        };
      }
      case 'relogin': {
        const relogin = { type: 'AUTH_CLIENT', data: { appId: 'app-id-of-no-app', userId: 'NOAPP-1', token: 't' }, reference: 'relogin' };
        const expected: Expected = authenticated
          ? { kind: 'refused', code: 'ALREADY_AUTHENTICATED', reference: 'relogin' }
          : { kind: 'closed', code: CLOSE_CODES.AUTH_FAILED.code };
        return { bytes: Buffer.from(JSON.stringify(relogin)), binary: false, expected };
      }
      default: {
        const bytes = frame.kind === 'invalid' ? Buffer.from(jsonText(frame.frame)) : frame.bytes;
        return { bytes, binary: false, expected: this.textAnswer(bytes) };
      }
    }
  }

  /** A text frame that is not a valid one: closed if too big or not UTF-8, else refused (or AUTH_REQUIRED before login). */
  private textAnswer(bytes: Uint8Array): Expected {
    if (bytes.length > FRAME_LIMIT) return { kind: 'closed', code: CLOSE_CODES.MESSAGE_TOO_BIG.code };
    if (!isUtf8(bytes)) return { kind: 'closed', code: CLOSE_CODES.INVALID_PAYLOAD.code };
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(bytes).toString());
    } catch {
      return { kind: 'refused', code: 'MALFORMED_JSON' };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'refused', code: 'MALFORMED_JSON' };
    const frame = value as Record<string, unknown>;
    if (this.userId === undefined && frame.type !== 'AUTH_CLIENT') return { kind: 'auth-required' };
    return { kind: 'refused', reference: referenceOf(frame) };
  }

  private async check(socket: RawSocket, expected: Expected): Promise<void> {
    if (expected.kind === 'accepted' || expected.kind === 'fetched') {
      this.streak = 0;
      this.pending.push(expected);
      return;
    }
    if (expected.kind === 'closed') {
      const { code } = await socket.closed(WAIT_MS);
      if (code !== expected.code) throw new Error(`closed with ${code}, expected ${expected.code}`);
      if (code === CLOSE_CODES.AUTH_FAILED.code && socket.all('AUTH_CLIENT_REPLY', (f) => f.data.isAuthenticated === false).length !== 1) {
        throw new Error(`closed with 4001 without AUTH_CLIENT_REPLY false first (${socket.summary()})`);
      }
      this.count(`close ${code}`);
      return;
    }
    const answer = await this.nextAnswer(socket);
    this.match(answer, expected);
    if (expected.kind !== 'refused') return;
    this.streak += 1;
    if (this.streak < MAX_INVALID) return;
    const { code } = await socket.closed(WAIT_MS);
    if (code !== CLOSE_CODES.PROTOCOL_ABUSE.code)
      throw new Error(`closed with ${code} after ${MAX_INVALID} invalid frames in a row, expected 4007`);
    this.count(`close ${code}`);
  }

  /** The next answer the connector gives at once; rejects if the socket closes first. */
  private async nextAnswer(socket: RawSocket): Promise<Frame> {
    const answer = await waitFor(
      `${this.label}: an answer to the frame (${socket.summary()})`,
      () => {
        const found = socket.frames.filter(isSync)[this.matched];
        if (found) return found;
        if (socket.closeInfo) throw new Error(`closed with ${socket.closeInfo.code} instead of answering`);
        return undefined;
      },
      { timeoutMs: WAIT_MS },
    );
    this.matched += 1;
    return answer;
  }

  private match(answer: Frame, expected: Extract<Expected, { kind: 'refused' | 'auth-required' | 'pong' }>): void {
    const seen = answer.type === 'INVALID_MESSAGE' ? `INVALID_MESSAGE ${String(answer.data.code)}` : answer.type;
    const wanted = ANSWER_TYPES[expected.kind];
    if (answer.type !== wanted) throw new Error(`answered ${seen}, expected ${wanted}`);
    if (expected.kind === 'refused') {
      const code = String(answer.data.code);
      // The lane keeps well under the rate limit and the lanes' backlog: RATE_LIMITED or OVERLOADED would be wrong here.
      if (!(code in ERROR_CODES) || code === 'RATE_LIMITED' || code === 'OVERLOADED') throw new Error(`refused with ${code}`);
      if (expected.code !== undefined && code !== expected.code) throw new Error(`refused with ${code}, expected ${expected.code}`);
      if (answer.reference !== expected.reference)
        throw new Error(`refusal's reference ${JSON.stringify(answer.reference)}, expected ${JSON.stringify(expected.reference)}`);
      if (typeof answer.data.message !== 'string' || answer.data.message === '') throw new Error('refusal without a message');
    } else if (expected.kind === 'pong') this.streak = 0;
    this.count(seen);
  }

  /** Every frame the socket received is one a lane may receive, and every refusal has a documented code. */
  private audit(socket: RawSocket): void {
    for (const frame of socket.frames) {
      if (!LANE_TYPES.has(frame.type))
        throw new Error(`${this.label} received a ${frame.type} frame: ${JSON.stringify(frame).slice(0, 200)}`);
      if (frame.type === 'INVALID_MESSAGE' && !AT_ONCE.has(String(frame.data.code)))
        throw new Error(`${this.label} was refused later with ${String(frame.data.code)}`);
    }
  }

  private count(key: string, n = 1): void {
    if (n > 0) this.tally[key] = (this.tally[key] ?? 0) + n;
  }

  /** Keep to the lane's pace (a rate, not a wait for a condition: the rate limit is on the sender's clock). */
  private async pace(): Promise<void> {
    const wait = this.lastSend + PACE_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastSend = Date.now();
  }
}
