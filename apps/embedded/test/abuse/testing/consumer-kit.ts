import { waitFor } from '@linker/testing';
import type { Frame, RawSocket } from '@linker/testing/e2e/raw-socket';
import { closeAll, login } from './flood-kit';

/** The token a message carries: the first word of its content (the rest is padding). */
function tokenOf(frame: Frame): string {
  return String(frame.data.content).split(' ', 1)[0];
}

/** The tokens of the MESSAGE frames `socket` received (from `start` on). */
export function tokensRead(socket: RawSocket, start = 0): Set<string> {
  return new Set(
    socket.frames
      .slice(start)
      .filter((f) => f.type === 'MESSAGE')
      .map(tokenOf),
  );
}

/**
 * Senders of RELIABLE messages to one user: each its own user and socket, each sending every `everyMs` a MESSAGE whose
 * content is a fresh token and `padding` bytes, with the token as `id` and `reference` (so the connector answers
 * ACCEPTED and the recipient's delivery is confirmed).
 */
export class Senders {
  private readonly timers: NodeJS.Timeout[] = [];
  readonly sent: string[] = [];

  private constructor(
    readonly sockets: RawSocket[],
    private readonly to: string,
    private readonly padding: string,
  ) {}

  static async start(url: string, userIds: readonly string[], to: string, paddingBytes: number, everyMs = 25): Promise<Senders> {
    const sockets = await Promise.all(userIds.map((userId, i) => login(url, userId, { label: `sender ${i}` })));
    const senders = new Senders(sockets, to, 'x'.repeat(paddingBytes));
    sockets.forEach((socket, i) => senders.timers.push(setInterval(() => senders.send(socket, i), everyMs)));
    return senders;
  }

  /** Tokens the connector accepted. */
  accepted(): string[] {
    return this.sockets.flatMap((socket) => socket.all('ACCEPTED').map((f) => String(f.data.id)));
  }

  /** Tokens confirmed to their sender (delivered, in the meaning of the recipient's mode). */
  confirmed(): Set<string> {
    return new Set(this.sockets.flatMap((socket) => socket.all('MESSAGE_CONFIRMATION').map((f) => String(f.data.reference))));
  }

  /** Stop sending and wait until the connector answered every message sent (ACCEPTED; a refusal fails). */
  async settle(): Promise<string[]> {
    this.stop();
    const refused = (): Frame[] => this.sockets.flatMap((socket) => socket.all('INVALID_MESSAGE'));
    await waitFor(
      `an answer to each of the ${this.sent.length} messages sent`,
      () => {
        if (refused().length > 0) throw new Error(`messages refused: ${JSON.stringify(refused().slice(0, 3))}`);
        return this.accepted().length === this.sent.length;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    return this.accepted();
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  async close(): Promise<void> {
    this.stop();
    await closeAll(this.sockets);
  }

  private send(socket: RawSocket, i: number): void {
    if (!socket.isOpen) return;
    const token = `m${i}.${this.sent.length}`;
    this.sent.push(token);
    socket.send({ type: 'MESSAGE', data: { to: this.to, content: `${token} ${this.padding}` }, id: token, reference: token });
  }
}

/** Acknowledge (MESSAGE_ACK) every MESSAGE `socket` reads, every 20 ms, until stopped; the ids acknowledged. */
export function ackAsRead(socket: RawSocket): { acked: Set<string>; stop: () => Set<string> } {
  const acked = new Set<string>();
  const tokens = new Set<string>();
  const ack = (): void => {
    const ids: string[] = [];
    for (const frame of socket.all('MESSAGE')) {
      if (frame.id === undefined || acked.has(frame.id)) continue;
      acked.add(frame.id);
      tokens.add(tokenOf(frame));
      ids.push(frame.id);
    }
    for (let i = 0; i < ids.length; i += 500) if (socket.isOpen) socket.send({ type: 'MESSAGE_ACK', data: { ids: ids.slice(i, i + 500) } });
  };
  const timer = setInterval(ack, 20);
  return {
    acked: tokens,
    stop: () => {
      clearInterval(timer);
      return tokens;
    },
  };
}

/**
 * Fetch the whole mailbox of the user `socket` is logged in as, in batches of `count` (acknowledging each batch in
 * ack mode): the tokens fetched.
 */
export async function fetchAll(socket: RawSocket, ack: boolean, count = 2_000): Promise<Set<string>> {
  const fetched = new Set<string>();
  const acked = new Set<string>();
  for (let round = 0, left = 1; left > 0; round++) {
    const reference = `fetch-${round}`;
    const start = socket.frames.length;
    socket.send({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count }, reference });
    const complete = await socket.next('FETCH_MISSING_MESSAGES_COMPLETE', (f) => socket.frames.indexOf(f) >= start, 60_000);
    for (const frame of socket.frames.slice(start)) if (frame.type === 'MESSAGE') fetched.add(tokenOf(frame));
    if (ack) {
      // Every message shown is acknowledged, those that came before the fetch too: a message stored while the client
      // logged in is handed to it at once, outside any fetch.
      const ids = socket
        .all('MESSAGE')
        .map((f) => f.id as string)
        .filter((id) => !acked.has(id));
      for (const id of ids) acked.add(id);
      for (let i = 0; i < ids.length; i += 500) socket.send({ type: 'MESSAGE_ACK', data: { ids: ids.slice(i, i + 500) } });
    }
    left = Number(complete.data.leftMissingCount);
  }
  return fetched;
}
