export { LinkServer, MAX_LINK_CONNECTIONS, type LinkServerOptions } from './link-server';
export { dialLink } from './link-dialer';
export { WsLinkTransport } from './ws-link-transport';
