import type { DialOptions, LinkListener, LinkTransport, ListenOptions, OutboundLink } from '../link.port';
import { dialLink } from './link-dialer';
import { LinkServer } from './link-server';

/** Links over WebSockets (`ws`): `LinkServer` accepts, `dialLink` dials. */
export class WsLinkTransport implements LinkTransport {
  listen(options: ListenOptions): Promise<LinkListener> {
    return LinkServer.listen(options);
  }

  dial(options: DialOptions): OutboundLink {
    return dialLink(options);
  }
}
