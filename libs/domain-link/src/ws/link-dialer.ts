import { WebSocket } from 'ws';
import { errorMessage } from '@linker/kernel';
import { silentLogger, type Logger } from '@linker/observability';
import { dialHandshake } from '../core/dialer-connection';
import { OutboundLinkCore, type ChannelEvents, type ChannelOpener, type LinkChannel } from '../core/outbound-link-core';
import { LinkFailureError } from '../link-errors';
import { resolveLinkLimits, type LinkLimits } from '../link-limits';
import { isTlsRefusal, readDialTls } from '../link-tls';
import { linkUrl } from '../link-url';
import type { DialOptions, OutboundLink } from '../link.port';
import { WsFrameSocket } from './ws-frame-socket';

/** Resolves once `ws` is open; rejects (LINK_UNREACHABLE) when it closes first or `signal` aborts. */
function opened(ws: WebSocket, url: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let error: unknown;
    const onAbort = (): void => ws.terminate();
    signal.addEventListener('abort', onAbort, { once: true });
    ws.on('error', (e) => (error ??= e));
    ws.once('open', () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    ws.once('close', () => {
      signal.removeEventListener('abort', onAbort);
      const why = error === undefined ? 'closed' : errorMessage(error);
      const tls = isTlsRefusal(error);
      reject(new LinkFailureError(tls ? 'LINK_TLS_REFUSED' : 'LINK_UNREACHABLE', `cannot connect to ${url}: ${why}`, undefined, error));
    });
  });
}

function wsOpener(options: DialOptions, limits: Readonly<LinkLimits>, logger: Logger): ChannelOpener {
  const url = linkUrl(options.endpoint);
  const heartbeat = { intervalMs: limits.heartbeatMs, missedPongs: limits.missedPongs };
  return async (events: ChannelEvents, signal: AbortSignal): Promise<LinkChannel> => {
    if (signal.aborted) throw new LinkFailureError('LINK_CLOSED', 'closed while connecting');
    const ws = new WebSocket(url, {
      maxPayload: limits.maxFrameBytes,
      perMessageDeflate: false,
      handshakeTimeout: limits.handshakeTimeoutMs,
      followRedirects: false,
      ...(url.startsWith('wss:') ? readDialTls(options.tls) : {}),
    });
    const socket = new WsFrameSocket(ws, url, heartbeat);
    await opened(ws, url, signal);
    return dialHandshake(socket, { auth: options, peer: options.peer, limits, logger }, events, signal);
  };
}

/**
 * The outbound link to one neighbour over a WebSocket to its link endpoint (`tcp://host:port` or `ws://host:port`,
 * dialed as `ws://host:port/link`; `wss://host:port` over TLS, its certificate checked against `options.tls.caFile`,
 * presenting `options.tls.certFile` when set): connects at once, reconnects with backoff, heartbeats. Throws a non-retriable
 * `INVALID_LINK_ENDPOINT` at once for an endpoint of another form.
 */
export function dialLink(options: DialOptions): OutboundLink {
  const limits = resolveLinkLimits(options.limits);
  const logger = (options.logger ?? silentLogger).child({ component: 'domain-link', peer: options.peer, endpoint: options.endpoint });
  return new OutboundLinkCore(options.peer, limits, logger, wsOpener(options, limits, logger)).start();
}
