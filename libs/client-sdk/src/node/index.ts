/** The Node side of the client SDK (`@linker-ts/client/node`): the `ws` adapter (the only place `ws` is imported). */
export { boundNodeWebSocket, NodeWebSocket } from './node-websocket';
