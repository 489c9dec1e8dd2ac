/**
 * The one table of error codes (`INVALID_MESSAGE {code, message}`, docs/protocol.md, Errors) and WebSocket close codes.
 * The README's protocol section lists the same rows; a unit test keeps the two in step.
 */
export const ERROR_CODES = {
  MALFORMED_JSON: 'The frame is not one JSON object.',
  UNKNOWN_TYPE: 'The `type` is not one a client may send (internal types included).',
  INVALID_FIELD: 'A field is missing, has the wrong type, or is not allowed; the message names it.',
  NOT_ALLOWED:
    'The user may not do this (e.g. CLOSE_CONNECTION by a user who is not the master of the target app, SUBSCRIBE without a valid subscription token, PUBLISH where only the server publishes).',
  TOO_LARGE: 'The message is larger than a limit allows (content, group size, or a link frame).',
  RATE_LIMITED:
    'Too many frames per second on this socket, or from this user on all its sockets (a GROUP_MESSAGE counts one per 100 recipients); the frame was dropped.',
  UNKNOWN_RECIPIENT_APP: 'The recipient id names no client app.',
  UNREACHABLE_DOMAIN: "The recipient's home domain is unknown or cannot be reached.",
  ALREADY_AUTHENTICATED: 'AUTH_CLIENT on a socket that is already authenticated.',
  UNAVAILABLE:
    'The lane the frame needs cannot reach its broker right now (an outage); `lane` names it (a SUBSCRIBE: presence is out of reach; nothing was subscribed). A publish cut by the outage may still have reached the broker: send the frame again after `retryAfterMs`, with the same `id` (a resend is then the same message).',
  INTERNAL_ERROR: 'The server failed to accept the frame for an unexpected reason: retry (with the same `id`, if it had one).',
  UNKNOWN_CHANNEL: "The channel's name is not `<appName>:<name>` of the user's app, or no channel rule of the app matches it.",
  TOO_MANY_CHANNELS:
    'The socket is subscribed to as many channels as it may be (LINKER_MAX_CHANNELS_PER_SOCKET); unsubscribe from one first.',
  OVERLOADED:
    'The connector cannot keep up right now (too many frames wait for the lane); nothing was sent: send it again after `retryAfterMs`.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * WebSocket close codes the connector uses, with their reason text. 1xxx are standard; 4xxx are ours. 1002, 1007 and
 * 1009 are the WebSocket library's own answers to a frame it cannot read (it closes before the connector sees the frame).
 */
export const CLOSE_CODES = {
  GOING_AWAY: { code: 1001, reason: 'The connector is shutting down; reconnect (to another connector).' },
  PROTOCOL_ERROR: {
    code: 1002,
    reason: 'The client broke the WebSocket protocol (e.g. an unmasked frame, reserved bits set, an unknown opcode).',
  },
  INVALID_PAYLOAD: { code: 1007, reason: 'A text frame was not valid UTF-8.' },
  MESSAGE_TOO_BIG: { code: 1009, reason: 'A frame was larger than the maximum frame size.' },
  INTERNAL_ERROR: { code: 1011, reason: 'An unexpected server error.' },
  AUTH_FAILED: { code: 4001, reason: 'Authentication failed (AUTH_CLIENT_REPLY with isAuthenticated false).' },
  AUTH_TIMEOUT: { code: 4002, reason: 'Not authenticated within the deadline (15 s by default).' },
  CLOSED_BY_MASTER: { code: 4003, reason: "The app's master user closed this connection (CLOSE_CONNECTION)." },
  RATE_LIMITED: { code: 4004, reason: 'The rate limit was exceeded persistently.' },
  SLOW_CONSUMER: { code: 4005, reason: 'The client read too slowly and its send queue filled up.' },
  HOME_DOMAIN_MOVED: { code: 4006, reason: "The user's home domain changed; reconnect to the new home domain." },
  PROTOCOL_ABUSE: { code: 4007, reason: 'Too many invalid frames.' },
  USER_NO_LONGER_VALID: { code: 4008, reason: "A topology edit removed the user's client app, or left its number outside every range." },
  RECONNECT: {
    code: 4009,
    reason: 'The connection reached its lifetime (LINKER_MAX_CONNECTION_LIFETIME_MS); reconnect now: nothing is lost.',
  },
  TOKEN_EXPIRED: {
    code: 4010,
    reason: 'The token of the login expired and no fresh one came (REFRESH_TOKEN); log in again with a fresh token.',
  },
  AUTH_BUSY: {
    code: 4011,
    reason: "The app's auth server is busy (too many logins wait for it); nothing is wrong with the login: retry later, with backoff.",
  },
} as const;

export type CloseCodeName = keyof typeof CLOSE_CODES;
