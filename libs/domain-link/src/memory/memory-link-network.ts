import { LinkerError } from '@linker/kernel';
import { silentLogger } from '@linker/observability';
import { dialHandshake } from '../core/dialer-connection';
import type { FrameSocket } from '../core/frame-socket';
import { InboundRegistry } from '../core/inbound-registry';
import { OutboundLinkCore, type ChannelEvents, type LinkChannel } from '../core/outbound-link-core';
import { serveConnection } from '../core/server-connection';
import { LINK_CLOSE_CODES } from '../link-close-codes';
import { LinkFailureError, type LinkErrorCode } from '../link-errors';
import { resolveLinkLimits } from '../link-limits';
import type { DialOptions, InboundLinkMetrics, LinkListener, LinkTransport, ListenOptions, OutboundLink } from '../link.port';
import { memorySocketPair } from './memory-socket';

/** What answers a dial at an endpoint: a real listener (its domain), or a scripted peer of a test. */
interface Endpoint {
  readonly domain: string;
  accept(socket: FrameSocket): void;
}

interface OpenConnection {
  readonly from: string;
  readonly to: string;
  readonly dialerEnd: FrameSocket;
}

/**
 * The in-process twin of the link transport (embedded mode, unit tests): the same handshake (secrets checked with the
 * same HMAC challenge-response), ordered batches, ack after the handler, nack, frame and batch limits, rate limit and
 * up/down events, over in-memory connections. No heartbeats (nothing to go half-open). Test controls: `cut`, `block`,
 * `unblock`, `serveRaw`.
 */
export class MemoryLinkNetwork implements LinkTransport {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly blocked = new Set<string>();
  private readonly open = new Set<OpenConnection>();

  async listen(options: ListenOptions): Promise<LinkListener> {
    const limits = resolveLinkLimits(options.limits);
    const logger = (options.logger ?? silentLogger).child({ component: 'domain-link', domain: options.domain });
    const registry = new InboundRegistry();
    const accepted = new Set<FrameSocket>();
    const endpoint = this.claim(options.endpoint, {
      domain: options.domain,
      accept: (socket) => {
        accepted.add(socket);
        socket.onClose(() => accepted.delete(socket));
        serveConnection(socket, { auth: options, limits, onReceive: options.onReceive, registry, logger });
      },
    });
    return new MemoryListener(endpoint, registry, () => {
      this.endpoints.delete(endpoint);
      for (const socket of accepted) socket.close(LINK_CLOSE_CODES.GOING_AWAY.code, 'GOING_AWAY');
    });
  }

  dial(options: DialOptions): OutboundLink {
    const limits = resolveLinkLimits(options.limits);
    const logger = (options.logger ?? silentLogger).child({ component: 'domain-link', peer: options.peer, endpoint: options.endpoint });
    const open = async (events: ChannelEvents, signal: AbortSignal): Promise<LinkChannel> => {
      await new Promise((resolve) => setImmediate(resolve));
      const target = this.endpoints.get(options.endpoint);
      if (target === undefined || this.blocked.has(pairKey(options.domain, options.peer)) || signal.aborted) {
        throw new LinkFailureError('LINK_UNREACHABLE', `nothing answers at ${options.endpoint}`);
      }
      const [dialerEnd, serverEnd] = memorySocketPair(options.domain, target.domain);
      const connection = { from: options.domain, to: options.peer, dialerEnd };
      this.open.add(connection);
      dialerEnd.onClose(() => this.open.delete(connection));
      target.accept(serverEnd);
      return dialHandshake(dialerEnd, { auth: options, peer: options.peer, limits, logger }, events, signal);
    };
    return new OutboundLinkCore(options.peer, limits, logger, open).start();
  }

  /** Test control: drop every connection `from` dials to `to` (no close frame); it reconnects after backoff. */
  cut(from: string, to: string): number {
    const cut = [...this.open].filter((c) => c.from === from && c.to === to);
    for (const connection of cut) connection.dialerEnd.terminate();
    return cut.length;
  }

  /** Test control: cut `from` → `to` and refuse its reconnects until `unblock` (a network partition, one way). */
  block(from: string, to: string): void {
    this.blocked.add(pairKey(from, to));
    this.cut(from, to);
  }

  unblock(from: string, to: string): void {
    this.blocked.delete(pairKey(from, to));
  }

  /**
   * Test control: answer dials at `endpoint` with a scripted peer (given the server end of each connection, claiming to
   * be `domain`) instead of a real listener. Returns the call that stops it.
   */
  serveRaw(endpoint: string, domain: string, serve: (socket: FrameSocket) => void): () => void {
    const claimed = this.claim(endpoint, { domain, accept: serve });
    return () => this.endpoints.delete(claimed);
  }

  private claim(endpoint: string, target: Endpoint): string {
    if (this.endpoints.has(endpoint)) throw new LinkerError<LinkErrorCode>('LINK_ENDPOINT_IN_USE', `${endpoint} is already served`);
    this.endpoints.set(endpoint, target);
    return endpoint;
  }
}

const pairKey = (from: string, to: string): string => `${from}>${to}`;

class MemoryListener implements LinkListener {
  private closed = false;
  /** No TLS in memory. */
  readonly tlsRefused = 0;

  constructor(
    readonly endpoint: string,
    private readonly registry: InboundRegistry,
    private readonly stop: () => void,
  ) {}

  metrics(): InboundLinkMetrics[] {
    return this.registry.metrics();
  }

  drop(peer: string): number {
    return this.registry.drop(peer);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop();
  }
}
