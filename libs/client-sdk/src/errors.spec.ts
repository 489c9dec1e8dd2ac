import { CLOSE_CODES, type CloseCodeName } from '@linker/contracts';
import { closeOutcome, LinkerClientError, type ClientErrorCode, type CloseOutcome } from './errors';

/** Whether a retry may help, per code: only after a lost connection or a login that took too long. */
const RETRIABLE: Record<ClientErrorCode, boolean> = {
  AUTH_REFUSED: false,
  CONNECTION_CLOSED: true,
  NOT_CONNECTED: false,
  CONNECT_TIMEOUT: true,
  REJECTED: false,
  NO_WEBSOCKET: false,
  TOO_MANY_UNACCEPTED: false,
};

/** What each close code of the server means to the client. */
const OUTCOMES: Record<CloseCodeName, CloseOutcome> = {
  GOING_AWAY: { code: 'CONNECTION_CLOSED', reconnect: true },
  PROTOCOL_ERROR: { code: 'CONNECTION_CLOSED', reconnect: true },
  INVALID_PAYLOAD: { code: 'CONNECTION_CLOSED', reconnect: true },
  MESSAGE_TOO_BIG: { code: 'CONNECTION_CLOSED', reconnect: true },
  INTERNAL_ERROR: { code: 'CONNECTION_CLOSED', reconnect: true },
  AUTH_FAILED: { code: 'AUTH_REFUSED', reconnect: false },
  AUTH_TIMEOUT: { code: 'CONNECTION_CLOSED', reconnect: true },
  CLOSED_BY_MASTER: { code: 'CONNECTION_CLOSED', reconnect: false },
  RATE_LIMITED: { code: 'CONNECTION_CLOSED', reconnect: true },
  SLOW_CONSUMER: { code: 'CONNECTION_CLOSED', reconnect: true },
  HOME_DOMAIN_MOVED: { code: 'CONNECTION_CLOSED', reconnect: true },
  PROTOCOL_ABUSE: { code: 'CONNECTION_CLOSED', reconnect: true },
  USER_NO_LONGER_VALID: { code: 'CONNECTION_CLOSED', reconnect: false },
  RECONNECT: { code: 'CONNECTION_CLOSED', reconnect: true, immediate: true },
  TOKEN_EXPIRED: { code: 'CONNECTION_CLOSED', reconnect: true, immediate: true },
  AUTH_BUSY: { code: 'CONNECTION_CLOSED', reconnect: true },
};

describe('LinkerClientError', () => {
  it.each(Object.entries(RETRIABLE))('%s is retriable: %s', (code, retriable) => {
    expect(new LinkerClientError(code as ClientErrorCode, 'x').retriable).toBe(retriable);
  });
});

describe('closeOutcome', () => {
  it.each(Object.entries(OUTCOMES))('a close with %s is %o', (name, outcome) => {
    expect(closeOutcome(CLOSE_CODES[name as CloseCodeName].code)).toEqual(outcome);
  });

  it('a close code that is not the server’s (a dropped connection, a normal close) is CONNECTION_CLOSED and reconnects', () => {
    expect(closeOutcome(1006)).toEqual({ code: 'CONNECTION_CLOSED', reconnect: true });
    expect(closeOutcome(1000)).toEqual({ code: 'CONNECTION_CLOSED', reconnect: true });
  });
});
