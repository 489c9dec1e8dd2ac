import { LinkerError } from '@linker/kernel';
import type { LinkErrorCode } from './link-errors';

/** The path a link WebSocket upgrades on. */
export const LINK_PATH = '/link';

/**
 * The WebSocket URL of a neighbour's link endpoint as the topology gives it: `tcp://host:port` (the original's form)
 * and `ws://host:port` both mean `ws://host:port/link`, `wss://host:port` means `wss://host:port/link` (TLS). Anything
 * else (another scheme, a path, no port, credentials) is a non-retriable `INVALID_LINK_ENDPOINT`.
 */
export function linkUrl(endpoint: string): string {
  const refuse = (why: string): never => {
    throw new LinkerError<LinkErrorCode>(
      'INVALID_LINK_ENDPOINT',
      `link endpoint ${JSON.stringify(endpoint)} ${why}; expected tcp://host:port, ws://host:port or wss://host:port`,
    );
  };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return refuse('is not a URL');
  }
  if (!['tcp:', 'ws:', 'wss:'].includes(url.protocol)) refuse(`has the scheme ${url.protocol.slice(0, -1)}`);
  if (url.hostname === '') refuse('has no host');
  if (url.port === '') refuse('has no port');
  if (url.username !== '' || url.password !== '') refuse('carries credentials');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') refuse('has a path, query or fragment');
  return `${url.protocol === 'wss:' ? 'wss' : 'ws'}://${url.host}${LINK_PATH}`;
}

/** Whether links to `endpoint` would be unencrypted (`tcp://` or `ws://`); a twin's `memory://` is not a network link. */
export function isCleartextEndpoint(endpoint: string): boolean {
  return /^(tcp|ws):\/\//i.test(endpoint);
}
