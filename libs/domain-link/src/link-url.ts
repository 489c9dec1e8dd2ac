import { LinkerError } from '@linker/kernel';
import type { LinkErrorCode } from './link-errors';

/** The path a link WebSocket upgrades on. */
export const LINK_PATH = '/link';

/**
 * The WebSocket URL of a neighbour's link endpoint as the topology gives it: `tcp://host:port` (the original's form)
 * and `ws://host:port` both mean `ws://host:port/link`. Anything else (another scheme, a path, no port, credentials)
 * is a non-retriable `INVALID_LINK_ENDPOINT`.
 */
export function linkUrl(endpoint: string): string {
  const refuse = (why: string): never => {
    throw new LinkerError<LinkErrorCode>(
      'INVALID_LINK_ENDPOINT',
      `link endpoint ${JSON.stringify(endpoint)} ${why}; expected tcp://host:port or ws://host:port`,
    );
  };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return refuse('is not a URL');
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'ws:') refuse(`has the scheme ${url.protocol.slice(0, -1)}`);
  if (url.hostname === '') refuse('has no host');
  if (url.port === '') refuse('has no port');
  if (url.username !== '' || url.password !== '') refuse('carries credentials');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') refuse('has a path, query or fragment');
  return `ws://${url.host}${LINK_PATH}`;
}
