import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { waitFor } from '@linker/testing';
import type { Envelope } from '@linker/contracts';
import { answerHello, challengeFrom, linkProof, newNonce, type LinkServerAuth } from '../../../src/link-auth';
import type { FrameSocket } from '../../../src/core/frame-socket';
import { WsFrameSocket } from '../../../src/ws/ws-frame-socket';

const WAIT_MS = 5_000;
/** No heartbeat from a fake peer unless a test wants one. */
const NO_HEARTBEAT = { intervalMs: 3_600_000, missedPongs: 1 };

/**
 * A scripted link server on `ws://127.0.0.1:<port>/link`: runs `script` on every connection (wrapped as a FrameSocket).
 * `autoPong: false` makes it a peer that stops answering pings.
 */
export class FakeLinkServer {
  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly endpoint: string,
  ) {}

  static async start(script: (socket: FrameSocket) => void, options: { autoPong?: boolean } = {}): Promise<FakeLinkServer> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: '/link', autoPong: options.autoPong ?? true });
    wss.on('connection', (ws) => script(new WsFrameSocket(ws, 'fake-dialer', NO_HEARTBEAT)));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return new FakeLinkServer(http, wss, `ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise((resolve) => this.wss.close(resolve));
    await new Promise((resolve) => this.http.close(resolve));
  }
}

/** An honest server script (it knows the secret) that acks every batch: with `autoPong: false`, a peer gone silent. */
export function honestServer(auth: LinkServerAuth): (socket: FrameSocket) => void {
  return (socket) => {
    const challenge = challengeFrom(auth.domain);
    socket.onFrame((data) => {
      const frame = JSON.parse(data.toString('utf8'));
      if (frame.type === 'hello') {
        const verdict = answerHello(auth, challenge, frame);
        if (verdict.ok) socket.send(JSON.stringify(verdict.welcome));
      }
      if (frame.type === 'batch') socket.send(JSON.stringify({ type: 'ack', seq: frame.seq }));
    });
    socket.send(JSON.stringify(challenge));
  };
}

/**
 * A scripted dialer: a raw WebSocket to a link server that records every frame and how the connection ended, can do
 * the handshake honestly, and then sends whatever it is told (garbage, floods).
 */
export class FakeLinkDialer {
  readonly frames: Array<Record<string, unknown>> = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data))));
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static async connect(endpoint: string): Promise<FakeLinkDialer> {
    const ws = new WebSocket(`${endpoint.replace(/^tcp:/, 'ws:')}/link`);
    const dialer = new FakeLinkDialer(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return dialer;
  }

  /** Answer the challenge as `domain` with `secret` and wait for the welcome; the hello sent (what a wiretap sees). */
  async handshake(domain: string, secret: string): Promise<string> {
    const challenge = await this.frame('challenge');
    const proof = linkProof(secret, domain, String(challenge.domain), String(challenge.nonce));
    const hello = JSON.stringify({ type: 'hello', domain, nonce: newNonce(), proof });
    this.send(hello);
    await this.frame('welcome');
    return hello;
  }

  send(text: string): void {
    this.ws.send(text);
  }

  sendBatch(seq: number, envelopes: Envelope[]): void {
    this.send(JSON.stringify({ type: 'batch', seq, envelopes }));
  }

  frame(type: string): Promise<Record<string, unknown>> {
    return waitFor(`a ${type} frame from the link server`, () => this.frames.find((f) => f.type === type), { timeoutMs: WAIT_MS });
  }

  closedWith(): Promise<{ code: number; reason: string }> {
    return waitFor('the link server to close the connection', () => this.closed, { timeoutMs: WAIT_MS });
  }

  close(): void {
    this.ws.terminate();
  }
}
