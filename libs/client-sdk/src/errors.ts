import { LinkerError } from '@linker/kernel';

/** Why a client operation failed. */
export type ClientErrorCode =
  /** The server answered AUTH_CLIENT with `isAuthenticated: false` (close code 4001). */
  | 'AUTH_REFUSED'
  /** The connection closed (or could not open) before the operation finished. */
  | 'CONNECTION_CLOSED'
  /** No authenticated connection right now (before `connect`, while reconnecting, after `close`). */
  | 'NOT_CONNECTED'
  /** Not authenticated within `connectTimeoutMs`. */
  | 'CONNECT_TIMEOUT'
  /** The server refused the frame with INVALID_MESSAGE (e.g. a fetch with a bad count). */
  | 'REJECTED'
  /** No WebSocket constructor: pass `webSocket` (in Node: `NodeWebSocket`). */
  | 'NO_WEBSOCKET'
  /** `maxUnaccepted` messages wait for the server to accept them: send again once some are (`accepted` events). */
  | 'TOO_MANY_UNACCEPTED';

/** An error of the client SDK: a stable `code`, whether a retry may help, and the close code when there is one. */
export class LinkerClientError extends LinkerError<ClientErrorCode> {
  /** The WebSocket close code, for AUTH_REFUSED and CONNECTION_CLOSED. */
  readonly closeCode?: number;

  constructor(code: ClientErrorCode, message: string, options: { closeCode?: number; cause?: unknown } = {}) {
    super(code, message, { retriable: code === 'CONNECTION_CLOSED' || code === 'CONNECT_TIMEOUT', cause: options.cause });
    this.closeCode = options.closeCode;
  }
}
