import type { ServerResponse } from 'node:http';
import type { PublicationData, SocketAddress } from '@linker/contracts';
import type { ChannelSubscriber, PublicationFrame } from '../channels/channel-subscribers';
import type { ClientSocket, SendLimits, WriteResult } from '../socket/client-socket';

/** Why the server ends a Push connection: its lifetime is over, or the connector drains. */
export type EndReason = 'lifetime' | 'draining';

/** What a Push subscriber writes to: a Server-Sent Events response, or a WebSocket. */
export interface PushConnection {
  write(frame: Buffer): WriteResult;
  /** End it; the client has the close grace period to close its side, then it is dropped. */
  end(reason: EndReason): void;
  /** Drop it now (its send queue is full: it reads too slowly). */
  drop(): void;
  /** One liveness tick (a WebSocket ping; nothing for SSE, which has no answer to wait for). */
  ping(maxMissed: number): void;
}

/**
 * One Push-compatible subscriber (`GET /sse/messages` or `GET /ws/messages`): a channel subscriber like a client
 * socket, with its own address in presence, the channels it asked for, and its kind's frames.
 */
export class PushSubscriber implements ChannelSubscriber {
  readonly channels: ReadonlySet<string>;
  /** Registering in presence, then live (counted, heartbeats and publications written), then closed. */
  state: 'registering' | 'live' | 'closed' = 'registering';
  private lifetime: NodeJS.Timeout | undefined;

  constructor(
    readonly address: SocketAddress,
    channels: readonly string[],
    readonly publicationFrame: PublicationFrame,
    private readonly heartbeatFrame: Buffer,
    /** The client's IP address (counted against the per-address cap). */
    readonly remoteAddress: string,
    private readonly connection: PushConnection,
  ) {
    this.channels = new Set(channels);
  }

  send(frame: Buffer): boolean {
    const result = this.connection.write(frame);
    if (result === 'full') this.connection.drop();
    return result === 'ok';
  }

  /** Registered in presence: it counts from now on; it gets its first heartbeat now, and is ended after `lifetimeMs`. */
  live(lifetimeMs: number): void {
    this.state = 'live';
    this.heartbeat();
    this.lifetime = setTimeout(() => this.connection.end('lifetime'), lifetimeMs);
    this.lifetime.unref();
  }

  heartbeat(maxMissed?: number): void {
    if (maxMissed !== undefined) this.connection.ping(maxMissed);
    this.send(this.heartbeatFrame);
  }

  end(reason: EndReason): void {
    this.connection.end(reason);
  }

  /** The connection is gone. */
  closed(): void {
    this.state = 'closed';
    clearTimeout(this.lifetime);
  }
}

/** The Push frames of a publication to a channel of one app, named as its clients name it (without `<app>:`). */
export function pushFrames(appName: string): { sse: PublicationFrame; ws: PublicationFrame } {
  const prefix = appName.length + 1;
  const event = (data: PublicationData): string => JSON.stringify({ channel: data.channel.slice(prefix), message: data.data });
  return {
    sse: (publication) => Buffer.from(`event:message\ndata:${event(publication.data as PublicationData)}\n\n`),
    ws: (publication) => Buffer.from(`{"event":"message","data":${event(publication.data as PublicationData)}}`),
  };
}

export const SSE_HEARTBEAT = Buffer.from('event:heartbeat\ndata:{}\n\n');
export const WS_HEARTBEAT = Buffer.from('{"event":"ping","data":{}}');

/** A Server-Sent Events stream as a Push connection: its send queue bounded like a client socket's. */
export function sseConnection(response: ServerResponse, limits: SendLimits, graceMs: number): PushConnection {
  let pending = 0;
  const written = (): void => void (pending -= 1);
  return {
    write(frame) {
      if (response.writableEnded || response.destroyed) return 'closed';
      if (pending >= limits.maxFrames || response.writableLength + frame.length > limits.maxBytes) return 'full';
      pending += 1;
      response.write(frame, written);
      return 'ok';
    },
    end() {
      if (response.writableEnded) return;
      // The stream ends (an EventSource reconnects); a client that keeps the connection open is dropped after the grace.
      response.end();
      setTimeout(() => response.socket?.destroy(), graceMs).unref();
    },
    drop: () => void response.destroy(),
    ping: () => undefined,
  };
}

/** A WebSocket as a Push connection (its close waits the grace period: the Push WebSocket server's close timeout). */
export function wsConnection(socket: ClientSocket): PushConnection {
  return {
    write: (frame) => socket.write(frame),
    end: (reason) => socket.close(reason === 'lifetime' ? 'RECONNECT' : 'GOING_AWAY'),
    drop: () => socket.close('SLOW_CONSUMER'),
    ping: (maxMissed) => void socket.heartbeat(maxMissed),
  };
}
