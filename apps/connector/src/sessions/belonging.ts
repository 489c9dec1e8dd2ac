import type { CloseCodeName } from '@linker/contracts';
import type { TopologyView } from '@linker/topology';
import { WS_PATH } from '../socket/ws-server';

/** Why an authenticated user may no longer stay connected here, and the close frame that says so. */
export interface Eviction {
  close: CloseCodeName;
  reason?: string;
}

/** Longest close reason a WebSocket close frame carries (RFC 6455: 125 bytes less the 2-byte code). */
const MAX_REASON_BYTES = 123;

/**
 * Whether `userId`, connected to `domain`, still belongs there under `view` (docs/protocol.md, Hot reload): undefined if so. A user
 * whose home is now another domain is told where to reconnect (that domain's client endpoint, in the close reason, which
 * the SDK follows); a user whose app is gone, or whose number is now outside every range, is no longer valid.
 */
export function evictionOf(view: TopologyView, userId: string, domain: string): Eviction | undefined {
  const home = view.home(userId);
  if (home.kind === 'everywhere' || (home.kind === 'domain' && home.domain === domain)) return undefined;
  if (home.kind !== 'domain') return { close: 'USER_NO_LONGER_VALID' };
  const endpoint = clientUrl(view.endpoints(home.domain).client);
  const moved = `home domain is now ${home.domain}`;
  const reason = endpoint ? `${moved}: reconnect to ${endpoint}` : moved;
  // Never a cut URL (the SDK would follow it): without the endpoint when both do not fit.
  return { close: 'HOME_DOMAIN_MOVED', reason: Buffer.byteLength(reason) <= MAX_REASON_BYTES ? reason : moved };
}

/** The WebSocket URL clients of a domain connect to: its client endpoint, with the connector's path if it has none. */
function clientUrl(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined || !URL.canParse(endpoint)) return undefined;
  const url = new URL(endpoint);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return undefined;
  if (url.pathname === '/' || url.pathname === '') url.pathname = WS_PATH;
  return url.toString();
}
