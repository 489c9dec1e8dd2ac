import type { Envelope } from '@linker/contracts';
import type { TlsFiles } from '@linker/lifecycle';
import type { Logger } from '@linker/observability';
import type { LinkAuth, LinkServerAuth } from './link-auth';
import type { LinkErrorCode } from './link-errors';
import type { LinkLimits } from './link-limits';
import type { DialTlsFiles } from './link-tls';

/**
 * Stores envelopes that came in over a link from the neighbour `from`. Resolving means they are stored durably on this
 * side (custody taken): only then is the batch acknowledged to the sender. Rejecting answers a nack (the sender keeps
 * custody and re-sends later). Batches of one connection are handed over one at a time, in the order they were sent.
 */
export type ReceiveHandler = (from: string, envelopes: Envelope[]) => Promise<void>;

export interface LinkStateChange {
  readonly peer: string;
  readonly up: boolean;
  /** When it went up or down, epoch milliseconds. */
  readonly at: number;
  /** Why it went down (a close code name, a transport error), for logs. */
  readonly reason?: string;
}

/** The last reason a connection attempt or a connection failed, for operators (never a secret or a proof). */
export interface LinkFailure {
  readonly code: LinkErrorCode;
  /** The close code the connection ended with, when there was one (LINK_CLOSE_CODES). */
  readonly closeCode?: number;
  readonly message: string;
  readonly at: number;
}

/** Plain counters of one outbound link (this domain → `peer`), read whenever the caller likes. */
export interface OutboundLinkMetrics {
  readonly peer: string;
  readonly up: boolean;
  /** When `up` last changed (or the link was created), epoch milliseconds. */
  readonly since: number;
  /** How many times the link went up and down. */
  readonly ups: number;
  readonly downs: number;
  /** Batch frames sent and not yet acknowledged. */
  readonly inFlightBatches: number;
  readonly sentEnvelopes: number;
  readonly sentBytes: number;
  readonly ackedEnvelopes: number;
  /** Last round trip: ack latency of a batch or a heartbeat's pong, whichever came last. */
  readonly lastRttMs?: number;
  readonly lastFailure?: LinkFailure;
  /** Connection attempts refused because TLS failed (the peer's certificate did not verify, or it refused ours). */
  readonly tlsRefused: number;
}

/** Plain counters of what one neighbour sent this domain (over all its connections). */
export interface InboundLinkMetrics {
  readonly peer: string;
  /** Authenticated connections from `peer` open now. */
  readonly connections: number;
  readonly receivedBatches: number;
  readonly receivedEnvelopes: number;
  readonly receivedBytes: number;
  readonly nacks: number;
  /** Connections from `peer` this side cut (garbage, flood, too big, dropped). */
  readonly cuts: number;
}

/** One direction of a link: this domain sends to `peer` over the connection it dialed. */
export interface OutboundLink {
  readonly peer: string;
  /** Open, authenticated and answering heartbeats. */
  readonly up: boolean;
  /**
   * Hand `envelopes` to the peer. Resolves once the peer acknowledged having stored every one of them durably (its
   * receive handler resolved). Envelopes are sent in order, split into frames by the limits; several sends may be in
   * flight at once (acks come back in order). Rejects with:
   * - `LINK_FRAME_TOO_LARGE` (not retriable) at once, before anything is sent, when one envelope cannot fit in a frame;
   * - `LINK_DOWN` (retriable) when the link is not up, or goes down before every ack came: the caller keeps custody and
   *   sends again (possibly over another path); the peer may have stored some of them (it de-duplicates by id);
   * - `LINK_NACK` (retriable) when the peer's receive handler failed;
   * - `LINK_CLOSED` (retriable) after `close()`.
   */
  send(envelopes: readonly Envelope[]): Promise<void>;
  /** Listen to up/down changes (for routing and metrics); returns the unsubscribe. A throwing listener is logged. */
  onState(listener: (change: LinkStateChange) => void): () => void;
  metrics(): OutboundLinkMetrics;
  /** Stop: no more reconnects, the connection is closed (1000), sends in flight reject `LINK_CLOSED`. */
  close(): Promise<void>;
}

/** The accepting side of a domain's links: receives what neighbours send. */
export interface LinkListener {
  /** Where neighbours dial it (`ws://host:port` with the bound port; `memory://...` for the twin). */
  readonly endpoint: string;
  metrics(): InboundLinkMetrics[];
  /** Connections refused during the TLS handshake (no client certificate, or one the CA did not sign): the peer is not known yet. */
  readonly tlsRefused: number;
  /** Drop every connection from `peer` at once (no close handshake); returns how many. It may dial again. */
  drop(peer: string): number;
  /** Stop accepting and close every connection (1001). Handlers already running finish; their acks are not sent. */
  close(): Promise<void>;
}

interface Common {
  /** Default DEFAULT_LINK_LIMITS; both sides of a link should use the same. */
  limits?: Partial<LinkLimits>;
  logger?: Logger;
}

export interface DialOptions extends LinkAuth, Common {
  /** The neighbour's domain name: the server must prove it is this domain. */
  peer: string;
  /** The neighbour's link endpoint as the topology gives it (`tcp://host:port`, `ws://host:port`, `wss://host:port`, or a twin's). */
  endpoint: string;
  /** For a `wss://` endpoint: the CA its certificate must chain to (default: the system's) and this domain's client certificate. */
  tls?: DialTlsFiles;
}

export interface ListenOptions extends LinkServerAuth, Common {
  /** Where to listen (`tcp://host:port` or `ws://host:port`, port 0 = any free port); the twin takes any name. */
  endpoint: string;
  onReceive: ReceiveHandler;
  /** Serve `wss://` from these files (client certificates required when `caFile` is set); absent: `ws://`. The twin ignores it. */
  tls?: TlsFiles;
}

/**
 * A way for domains to link (adapters: `WsLinkTransport`, the twin `MemoryLinkNetwork`). Each domain listens once and
 * dials every neighbour; a domain sends only over links it dialed and receives only over connections it accepted.
 */
export interface LinkTransport {
  /** Start accepting links; resolves once neighbours can dial `endpoint`. */
  listen(options: ListenOptions): Promise<LinkListener>;
  /** An outbound link to `options.peer`; it connects at once and reconnects by itself (backoff) until closed. */
  dial(options: DialOptions): OutboundLink;
}
