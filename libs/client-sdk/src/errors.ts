import { CLOSE_CODES, type CloseCodeName } from '@linker/contracts';
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

/** Whether the operation may succeed if tried again, for each code. */
const RETRIABLE: Readonly<Record<ClientErrorCode, boolean>> = {
  AUTH_REFUSED: false,
  CONNECTION_CLOSED: true,
  NOT_CONNECTED: false,
  CONNECT_TIMEOUT: true,
  REJECTED: false,
  NO_WEBSOCKET: false,
  TOO_MANY_UNACCEPTED: false,
};

/** An error of the client SDK: a stable `code`, whether a retry may help, and the close code when there is one. */
export class LinkerClientError extends LinkerError<ClientErrorCode> {
  /** The WebSocket close code, for AUTH_REFUSED and CONNECTION_CLOSED. */
  readonly closeCode?: number;
  /** The server's error code (`INVALID_MESSAGE.data.code`, e.g. UNKNOWN_CHANNEL), for REJECTED. */
  readonly serverCode?: string;

  constructor(code: ClientErrorCode, message: string, options: { closeCode?: number; serverCode?: string; cause?: unknown } = {}) {
    super(code, message, { retriable: RETRIABLE[code], cause: options.cause });
    this.closeCode = options.closeCode;
    this.serverCode = options.serverCode;
  }
}

/** What a close by the server means to the client: the error its pending operations get, and whether to reconnect. */
export interface CloseOutcome {
  code: 'AUTH_REFUSED' | 'CONNECTION_CLOSED';
  reconnect: boolean;
  /** Reconnect at once rather than after the backoff's first delay: the server asked for it. */
  immediate?: true;
}

const CLOSED: CloseOutcome = { code: 'CONNECTION_CLOSED', reconnect: true };
const FINAL: CloseOutcome = { code: 'CONNECTION_CLOSED', reconnect: false };

/**
 * The outcome of each close code of the server. Reconnecting cannot help after refused credentials, a close by the
 * app's master user, or a topology edit that no longer knows the user; after any other close it may (after 4011, the
 * auth server busy, with the backoff), and after 4009 (the connection reached its lifetime) and 4010 (the token expired:
 * the next login asks `getToken` for a fresh one) it does so at once.
 */
const CLOSE_OUTCOMES: Readonly<Record<CloseCodeName, CloseOutcome>> = {
  GOING_AWAY: CLOSED,
  PROTOCOL_ERROR: CLOSED,
  INVALID_PAYLOAD: CLOSED,
  MESSAGE_TOO_BIG: CLOSED,
  INTERNAL_ERROR: CLOSED,
  AUTH_FAILED: { code: 'AUTH_REFUSED', reconnect: false },
  AUTH_TIMEOUT: CLOSED,
  CLOSED_BY_MASTER: FINAL,
  RATE_LIMITED: CLOSED,
  SLOW_CONSUMER: CLOSED,
  HOME_DOMAIN_MOVED: CLOSED,
  PROTOCOL_ABUSE: CLOSED,
  USER_NO_LONGER_VALID: FINAL,
  RECONNECT: { code: 'CONNECTION_CLOSED', reconnect: true, immediate: true },
  TOKEN_EXPIRED: { code: 'CONNECTION_CLOSED', reconnect: true, immediate: true },
  AUTH_BUSY: CLOSED,
};

const OUTCOME_BY_CODE: ReadonlyMap<number, CloseOutcome> = new Map(
  (Object.keys(CLOSE_OUTCOMES) as CloseCodeName[]).map((name) => [CLOSE_CODES[name].code, CLOSE_OUTCOMES[name]]),
);

/** The outcome of close code `code`; one that is not the server's (e.g. 1006, a connection dropped) reconnects. */
export function closeOutcome(code: number): CloseOutcome {
  return OUTCOME_BY_CODE.get(code) ?? CLOSED;
}
