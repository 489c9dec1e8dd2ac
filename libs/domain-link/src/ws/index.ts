export { LinkServer, type LinkServerOptions } from './link-server';
export { dialLink } from './link-dialer';
export { WsLinkTransport } from './ws-link-transport';
