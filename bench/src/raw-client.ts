import WebSocket from 'ws';
import type { BenchClientFactory, BenchConnection, BenchEndpoint, Lane, OpenOptions } from './client';
import { jsonString } from './payload';

const OPEN_TIMEOUT_MS = 15_000;

/**
 * A bare `ws` client speaking the wire protocol directly: frames are built from a prefix made once per
 * (recipient, lane), so sending costs one concatenation (`jsonString` quotes the content).
 */
class RawConnection implements BenchConnection {
  private readonly prefixes = new Map<string, string>();
  private fetchWaiters: Array<{ resolve(left: number): void; reject(error: Error): void }> = [];

  constructor(
    readonly userId: string,
    private readonly socket: WebSocket,
  ) {}

  send(to: string, content: string, lane: Lane): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    const key = `${lane}|${to}`;
    let prefix = this.prefixes.get(key);
    if (prefix === undefined) {
      prefix = `{"type":"MESSAGE","feature":"${lane}","confirmationEnabled":false,"data":{"to":${JSON.stringify(to)},"content":`;
      this.prefixes.set(key, prefix);
    }
    this.socket.send(`${prefix}${jsonString(content)}}}`);
    return true;
  }

  fetch(count: number): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== WebSocket.OPEN) return reject(new Error('socket closed'));
      this.fetchWaiters.push({ resolve, reject });
      this.socket.send(JSON.stringify({ type: 'FETCH_MISSING_MESSAGES_REQUEST', data: { count } }));
    });
  }

  ack(ids: string[]): void {
    this.socket.send(JSON.stringify({ type: 'MESSAGE_ACK', data: { ids } }));
  }

  fetchComplete(left: number): void {
    this.fetchWaiters.shift()?.resolve(left);
  }

  closed(code: number): void {
    for (const waiter of this.fetchWaiters.splice(0))
      waiter.reject(new Error(`socket closed (${code}) before FETCH_MISSING_MESSAGES_COMPLETE`));
  }

  close(): Promise<void> {
    return closeSocket(this.socket);
  }
}

/** Close normally; drop the socket if the server does not answer the close within 2 s. */
export function closeSocket(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.close(1000, 'bench done');
    setTimeout(() => {
      socket.terminate();
      resolve();
    }, 2000).unref();
  });
}

interface Frame {
  type?: string;
  data?: { content?: unknown; leftMissingCount?: number; isAuthenticated?: boolean };
  id?: string;
}

function onFrame(connection: RawConnection, options: OpenOptions, frame: Frame): void {
  if (frame.type === 'MESSAGE' && typeof frame.data?.content === 'string') options.handlers.onMessage(frame.data.content, frame.id);
  else if (frame.type === 'FETCH_MISSING_MESSAGES_COMPLETE') connection.fetchComplete(Number(frame.data?.leftMissingCount ?? 0));
}

export const rawClient: BenchClientFactory = {
  name: 'raw ws',
  open(endpoint: BenchEndpoint, options: OpenOptions): Promise<BenchConnection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(endpoint.url, { perMessageDeflate: false, localAddress: options.localAddress });
      const connection = new RawConnection(options.userId, socket);
      let authenticated = false;
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error('not authenticated in time'));
      }, OPEN_TIMEOUT_MS);
      socket.on('open', () => {
        const data = { appId: endpoint.appId, userId: options.userId, token: 'bench', ...(options.ack ? { ack: true } : {}) };
        socket.send(JSON.stringify({ type: 'AUTH_CLIENT', data }));
      });
      socket.on('message', (raw) => {
        const frame = JSON.parse(raw.toString()) as Frame;
        if (authenticated) return onFrame(connection, options, frame);
        if (frame.type !== 'AUTH_CLIENT_REPLY') return;
        clearTimeout(timer);
        if (frame.data?.isAuthenticated !== true) return reject(new Error(`authentication refused for ${options.userId}`));
        authenticated = true;
        resolve(connection);
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.on('close', (code) => {
        clearTimeout(timer);
        if (!authenticated) reject(new Error(`closed (${code}) before authentication`));
        connection.closed(code);
        options.handlers.onClosed?.(code);
      });
    });
  },
};
