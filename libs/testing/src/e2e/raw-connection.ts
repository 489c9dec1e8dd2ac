import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/** A raw TCP connection to a client port, with everything the server wrote and whether it closed. */
export interface RawConnection {
  socket: Socket;
  /** Everything received so far, as latin1 text (an HTTP answer, then WebSocket frames). */
  received(): string;
  closed: Promise<void>;
  isClosed(): boolean;
}

export interface RawConnectionOptions {
  host?: string;
  /** The source address (any of 127.0.0.0/8 on loopback): connections from several addresses. */
  localAddress?: string;
}

/** Open one TCP connection to `port`; resolves once it is connected. */
export function rawConnection(port: number, options: RawConnectionOptions = {}): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host ?? '127.0.0.1', port, localAddress: options.localAddress });
    let data = '';
    let ended = false;
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.on('error', () => undefined); // a reset after the answer is fine: the answer is what is checked
    const closed = new Promise<void>((done) => socket.once('close', () => ((ended = true), done())));
    socket.once('connect', () => resolve({ socket, received: () => data, closed, isClosed: () => ended }));
    socket.once('error', reject);
  });
}

/**
 * Open `count` connections, 100 at a time, writing `send` on each once connected: all at once would overflow the
 * listen backlog, and a connection the kernel completed but the server never accepted gets no answer (a SYN flood is
 * the kernel's and the network's to absorb).
 */
export async function rawConnections(
  port: number,
  count: number,
  options: RawConnectionOptions & { send?: string } = {},
): Promise<RawConnection[]> {
  const opened: RawConnection[] = [];
  while (opened.length < count) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, count - opened.length) }, () => rawConnection(port, options)));
    if (options.send !== undefined) for (const connection of batch) connection.socket.write(options.send);
    opened.push(...batch);
  }
  return opened;
}

/** A WebSocket upgrade request for `path` (a client port's `/ws` by default), with `extraHeaders` (`Name: value` lines). */
export function upgradeRequest(extraHeaders: readonly string[] = [], path = '/ws'): string {
  return [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...extraHeaders,
    '',
    '',
  ].join('\r\n');
}

/** The status line of what the server answered (e.g. `HTTP/1.1 503 Service Unavailable`); '' before any answer. */
export function statusLine(connection: RawConnection): string {
  return connection.received().split('\r\n')[0] ?? '';
}

/**
 * The close code of the server's WebSocket close frame after a `101` answer, or undefined when there is none (yet).
 * Server frames are not masked; the frames before it (pings) are short, so their length fits in the second byte.
 */
export function closeFrameCode(connection: RawConnection): number | undefined {
  const text = connection.received();
  const headersEnd = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/1.1 101') || headersEnd < 0) return undefined;
  const frames = Buffer.from(text.slice(headersEnd + 4), 'latin1');
  for (let at = 0; at + 2 <= frames.length; at += 2 + (frames[at + 1] & 0x7f)) {
    if ((frames[at] & 0x0f) === 0x8) return at + 4 <= frames.length ? frames.readUInt16BE(at + 2) : undefined;
  }
  return undefined;
}

/** How many connections got each status line ('' for none: closed, or not answered yet). */
export function countByStatus(connections: readonly RawConnection[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const connection of connections) counts[statusLine(connection)] = (counts[statusLine(connection)] ?? 0) + 1;
  return counts;
}

/** The number of files process `pid` holds open (its entries in /proc/<pid>/fd; Linux). */
export function openFilesOf(pid: number | 'self'): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
