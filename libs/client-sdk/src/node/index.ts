/** The Node side of @linker/client-sdk: the `ws` adapter (the only place `ws` is imported). */
export { boundNodeWebSocket, NodeWebSocket } from './node-websocket';
