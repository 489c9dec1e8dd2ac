import { connect, createServer, type Server, type Socket } from 'node:net';

/** One connection through the proxy: both sockets, and the domain that dialed it once its hello was read. */
interface Passage {
  readonly client: Socket;
  readonly upstream: Socket;
  dialer?: string;
  /** What the client sent until its hello could be read (only that much is kept). */
  peeked: Buffer;
}

/** The most of a client's first bytes kept to find its hello (the upgrade request and the first frame). */
const PEEK_LIMIT = 16_384;

/**
 * A TCP proxy on 127.0.0.1:`port` to 127.0.0.1:`target`, put in front of a domain's link endpoint so that a test can
 * cut the links into that domain at once (every connection dropped without a close handshake, new ones refused) —
 * what a network partition does, which the processes cannot tell from a real one. `block(dialer)` cuts only the
 * links dialed by one domain (the proxy reads the dialer's name from the link's first frame, its hello): with a
 * proxy in front of each of two domains, blocking each other cuts the link between them and nothing else.
 */
export class LinkProxy {
  private server: Server | undefined;
  private readonly passages = new Set<Passage>();
  private readonly blocked = new Set<string>();
  constructor(
    private readonly port: number,
    private readonly target: number,
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => this.pass(client));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  /** Drop every connection at once (no close handshake) and refuse new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const passage of this.passages) passage.client.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Drop the links `dialer` dialed through this proxy, and each one it dials again as soon as its hello shows. */
  block(dialer: string): void {
    this.blocked.add(dialer);
    for (const passage of this.passages) if (passage.dialer === dialer) passage.client.destroy();
  }

  /** Let `dialer`'s links through again. */
  unblock(dialer: string): void {
    this.blocked.delete(dialer);
  }

  private pass(client: Socket): void {
    const upstream = connect(this.target, '127.0.0.1');
    const passage: Passage = { client, upstream, peeked: Buffer.alloc(0) };
    this.passages.add(passage);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.passages.delete(passage);
        b.destroy();
      });
      a.pipe(b);
    }
    client.on('data', (chunk: Buffer) => this.peek(passage, chunk));
  }

  /** Read the dialer's domain from its hello; drop the passage if that domain is blocked. */
  private peek(passage: Passage, chunk: Buffer): void {
    if (passage.dialer !== undefined || passage.peeked.length > PEEK_LIMIT) return;
    passage.peeked = Buffer.concat([passage.peeked, chunk]);
    const hello = firstClientFrame(passage.peeked);
    if (hello === undefined) return;
    passage.dialer = /"domain":"([^"]+)"/.exec(hello)?.[1] ?? '';
    passage.peeked = Buffer.alloc(0);
    if (this.blocked.has(passage.dialer)) passage.client.destroy();
  }
}

/**
 * The text of the first WebSocket frame a client sent after its upgrade request (client frames are masked), or
 * undefined while it has not fully arrived.
 */
function firstClientFrame(bytes: Buffer): string | undefined {
  const start = bytes.indexOf('\r\n\r\n');
  if (start < 0) return undefined;
  let at = start + 4;
  if (bytes.length < at + 2) return undefined;
  let length = bytes[at + 1] & 0x7f;
  at += 2;
  if (length === 126) {
    if (bytes.length < at + 2) return undefined;
    length = bytes.readUInt16BE(at);
    at += 2;
  } else if (length === 127) {
    return ''; // a first frame of 64 KiB or more is no hello: the dialer stays unknown
  }
  if (bytes.length < at + 4 + length) return undefined;
  const mask = bytes.subarray(at, at + 4);
  const payload = Buffer.from(bytes.subarray(at + 4, at + 4 + length));
  for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
  return payload.toString('utf8');
}
