import WebSocket from 'ws';
import type { BenchClientFactory, BenchConnection, BenchEndpoint, OpenOptions } from './client';
import { jsonString } from './payload';
import { closeSocket } from './raw-client';

/**
 * The load generator's client for Centrifugo, over its bidirectional JSON protocol on WebSocket
 * (`/connection/websocket`): each user connects (no token: the server runs with `client.insecure`), subscribes to its
 * personal channel, and `send(to, content)` publishes `content` to the channel of `to`; every publication pushed to a
 * connection goes to `onMessage`. Commands are single JSON objects with an `id`; the server may batch several replies
 * in one frame, one per line; an empty object `{}` is a ping, answered with `{}` (a pong).
 */

const OPEN_TIMEOUT_MS = 15_000;
const CONNECT_ID = 1;
const SUBSCRIBE_ID = 2;

/** A user's personal channel: its id, in the default namespace (ids hold no `:`, the namespace separator). */
export const channelOf = (userId: string): string => userId;

export interface CentrifugoReply {
  id?: number;
  error?: { code: number; message: string };
  push?: { channel?: string; pub?: { data?: unknown } };
}

/** The replies of one frame (one JSON object per line); a ping is `{}`, i.e. a reply with no field. */
export function parseReplies(frame: string): CentrifugoReply[] {
  const lines = frame.indexOf('\n') < 0 ? [frame] : frame.split('\n');
  return lines.filter((line) => line.length > 0).map((line) => JSON.parse(line) as CentrifugoReply);
}

export const isPing = (reply: CentrifugoReply): boolean => Object.keys(reply).length === 0;

/** Command replies that were errors (a refused publish shows here, and as lost messages in the step). */
export class ReplyErrors {
  count = 0;
  first: string | undefined;

  note(error: { code: number; message: string }): void {
    this.count++;
    this.first ??= `${error.code} ${error.message}`;
  }
}

class CentrifugoConnection implements BenchConnection {
  private readonly prefixes = new Map<string, string>();
  private nextId = SUBSCRIBE_ID + 1;

  constructor(
    readonly userId: string,
    private readonly socket: WebSocket,
  ) {}

  /** A PUBLISH to the channel of `to`; the lane has no meaning for Centrifugo (it has one path). */
  send(to: string, content: string): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    let prefix = this.prefixes.get(to);
    if (prefix === undefined) {
      prefix = `{"publish":{"channel":${JSON.stringify(channelOf(to))},"data":`;
      this.prefixes.set(to, prefix);
    }
    this.socket.send(`${prefix}${jsonString(content)}},"id":${this.nextId++}}`);
    return true;
  }

  fetch(): Promise<number> {
    return Promise.reject(new Error('Centrifugo keeps no mailbox to fetch from'));
  }

  ack(): void {
    throw new Error('Centrifugo has no message acknowledgements');
  }

  close(): Promise<void> {
    return closeSocket(this.socket);
  }
}

/** Connect, then subscribe to the user's channel; resolves once both replies came back without error. */
function open(endpoint: BenchEndpoint, options: OpenOptions, errors: ReplyErrors): Promise<BenchConnection> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(endpoint.url, { perMessageDeflate: false, localAddress: options.localAddress });
    const connection = new CentrifugoConnection(options.userId, socket);
    let subscribed = false;
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.terminate();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('not connected and subscribed in time')), OPEN_TIMEOUT_MS);
    const handshake = (reply: CentrifugoReply): void => {
      if (reply.error)
        return fail(
          new Error(
            `${reply.id === CONNECT_ID ? 'connect' : 'subscribe'} refused for ${options.userId}: ${reply.error.code} ${reply.error.message}`,
          ),
        );
      if (reply.id === CONNECT_ID) socket.send(JSON.stringify({ id: SUBSCRIBE_ID, subscribe: { channel: channelOf(options.userId) } }));
      else if (reply.id === SUBSCRIBE_ID) {
        clearTimeout(timer);
        subscribed = true;
        resolve(connection);
      }
    };
    socket.on('open', () => socket.send(JSON.stringify({ id: CONNECT_ID, connect: { name: 'linker-bench' } })));
    socket.on('message', (raw) => {
      for (const reply of parseReplies(raw.toString())) {
        const data = reply.push?.pub?.data;
        if (typeof data === 'string') options.handlers.onMessage(data, undefined);
        else if (isPing(reply)) socket.send('{}');
        else if (!subscribed) handshake(reply);
        else if (reply.error) errors.note(reply.error);
      }
    });
    socket.on('error', (error) => fail(error));
    socket.on('close', (code) => {
      if (!subscribed) fail(new Error(`closed (${code}) before subscribing`));
      options.handlers.onClosed?.(code);
    });
  });
}

/** A client factory for one Centrifugo deployment; `errors` tallies the command replies that were errors. */
export function centrifugoClient(errors = new ReplyErrors()): BenchClientFactory & { errors: ReplyErrors } {
  return { name: 'Centrifugo JSON protocol (ws)', errors, open: (endpoint, options) => open(endpoint, options, errors) };
}
