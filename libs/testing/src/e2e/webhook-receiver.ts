import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookBatch, WebhookEvent } from '@linker/contracts';

/** One request the receiver got, and what it answered. */
export interface WebhookRequestSeen {
  /** Headers as Node gives them (lower-case names). */
  headers: IncomingMessage['headers'];
  /** The body exactly as received. */
  body: string;
  events: WebhookEvent[];
  /** The status answered; undefined when it never answered. */
  status?: number;
  at: number;
}

/** What to answer the `n`th request (from 0): a status, or `hang` (never answer; the sender times out). */
export type WebhookAnswer = (n: number) => number | 'hang';

/**
 * An app's webhook receiver for end-to-end tests: a real HTTP server on 127.0.0.1 that records each request and
 * answers as `answer` says (200 by default; change it any time). `stop()` closes it (connections refused, as a receiver
 * that is down) and `listen()` opens it again on the same port, so the URL in the topology stays right.
 */
export class WebhookReceiver {
  readonly requests: WebhookRequestSeen[] = [];
  answer: WebhookAnswer = () => 200;
  private server: Server | undefined;
  private readonly hanging = new Set<() => void>();

  private constructor(private port: number) {}

  /** A receiver listening on `port` (0: a free one). */
  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(port);
    await receiver.listen();
    return receiver;
  }

  /** `http://127.0.0.1:<port>/webhook`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/webhook`;
  }

  /** Every event received (repeats included), in arrival order. */
  get events(): WebhookEvent[] {
    return this.requests.flatMap((request) => request.events);
  }

  /** Events answered 2xx. */
  get accepted(): WebhookEvent[] {
    return this.requests.filter((r) => r.status !== undefined && r.status < 300).flatMap((r) => r.events);
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      void readAll(request).then((body) => {
        const seen: WebhookRequestSeen = { headers: request.headers, body, events: eventsOf(body), at: Date.now() };
        const answer = this.answer(this.requests.push(seen) - 1);
        if (answer === 'hang') {
          this.hanging.add(() => response.destroy());
          return;
        }
        seen.status = answer;
        response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'failed');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Close the server and every connection (requests left hanging are dropped): the receiver is down. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const drop of this.hanging) drop();
    this.hanging.clear();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function eventsOf(body: string): WebhookEvent[] {
  try {
    const batch = JSON.parse(body) as WebhookBatch;
    return Array.isArray(batch.events) ? batch.events : [];
  } catch {
    return [];
  }
}

function readAll(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
