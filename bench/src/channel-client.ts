import WebSocket from 'ws';
import type { BenchEndpoint, Lane } from './client';
import { closeSocket } from './raw-client';

const OPEN_TIMEOUT_MS = 15_000;
const ANSWER_TIMEOUT_MS = 15_000;

/** A publication as a subscriber receives it: its channel, its data as sent, its publisher. */
export type OnPublication = (channel: string, data: unknown, from: string | undefined) => void;

/**
 * A bare `ws` client for channels (SUBSCRIBE, PUBLISH, PUBLICATION), the leanest load generator for the channel
 * scenarios: a publication's frame is built from a prefix made once per (channel, lane).
 */
export class ChannelConnection {
  private readonly prefixes = new Map<string, string>();
  private readonly waiting = new Map<string, (refusal?: string) => void>();
  private answers = 0;

  private constructor(
    readonly userId: string,
    private readonly socket: WebSocket,
  ) {}

  /** Open, authenticate as `userId` of the endpoint's app, and call `onPublication` for each PUBLICATION. */
  static open(endpoint: BenchEndpoint, userId: string, onPublication: OnPublication, localAddress?: string): Promise<ChannelConnection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(endpoint.url, { perMessageDeflate: false, localAddress });
      const connection = new ChannelConnection(userId, socket);
      let authenticated = false;
      const timer = setTimeout(() => (socket.terminate(), reject(new Error(`${userId} not authenticated in time`))), OPEN_TIMEOUT_MS);
      socket.on('open', () =>
        socket.send(JSON.stringify({ type: 'AUTH_CLIENT', data: { appId: endpoint.appId, userId, token: 'bench' } })),
      );
      socket.on('message', (raw) => {
        const frame = JSON.parse(raw.toString()) as { type?: string; reference?: string; data?: Record<string, unknown> };
        if (frame.type === 'PUBLICATION' && frame.data) {
          return onPublication(frame.data.channel as string, frame.data.data, frame.data.from as string | undefined);
        }
        if (frame.reference !== undefined) connection.answered(frame.reference, frame);
        if (authenticated || frame.type !== 'AUTH_CLIENT_REPLY') return;
        clearTimeout(timer);
        if (frame.data?.isAuthenticated !== true) return reject(new Error(`authentication refused for ${userId}`));
        authenticated = true;
        resolve(connection);
      });
      socket.on('error', (error) => (clearTimeout(timer), reject(error)));
      socket.on('close', (code) => (clearTimeout(timer), authenticated || reject(new Error(`closed (${code}) before authentication`))));
    });
  }

  /** SUBSCRIBE; resolves on SUBSCRIBED, rejects on a refusal or after ANSWER_TIMEOUT_MS. */
  subscribe(channel: string): Promise<void> {
    const reference = `s${++this.answers}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to SUBSCRIBE ${channel}`)), ANSWER_TIMEOUT_MS);
      this.waiting.set(reference, (refusal) => {
        clearTimeout(timer);
        if (refusal === undefined) resolve();
        else reject(new Error(`SUBSCRIBE ${channel} refused: ${refusal}`));
      });
      this.socket.send(JSON.stringify({ type: 'SUBSCRIBE', data: { channel }, reference }));
    });
  }

  /** One PUBLISH of `dataJson` (already JSON text); false when the socket is not open. */
  publish(channel: string, dataJson: string, lane: Lane): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    const key = `${lane}|${channel}`;
    let prefix = this.prefixes.get(key);
    if (prefix === undefined)
      this.prefixes.set(key, (prefix = `{"type":"PUBLISH","feature":"${lane}","data":{"channel":${JSON.stringify(channel)},"data":`));
    this.socket.send(`${prefix}${dataJson}}}`);
    return true;
  }

  close(): Promise<void> {
    return closeSocket(this.socket);
  }

  private answered(reference: string, frame: { type?: string; data?: Record<string, unknown> }): void {
    const done = this.waiting.get(reference);
    if (done === undefined) return;
    this.waiting.delete(reference);
    done(frame.type === 'SUBSCRIBED' ? undefined : JSON.stringify(frame.data));
  }
}
