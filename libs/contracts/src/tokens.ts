/**
 * Tokens with a lifetime (docs/protocol.md, Token expiry). In a module of its own, free of the schema library, because
 * the client SDK's published types include it.
 */

/**
 * `AUTH_CLIENT_REPLY.data`: the original's three fields, plus ours: `expiresAt` (epoch ms) when the login's token
 * has an expiry (JWT logins: its `exp`), and `retryAfterMs` on a refusal that is worth retrying (the app's auth
 * server is busy; the socket then closes with 4011 instead of 4001).
 */
export interface AuthReplyData {
  appId: string;
  userId: string;
  isAuthenticated: boolean;
  expiresAt?: number;
  retryAfterMs?: number;
}

/** `TOKEN_EXPIRING.data` (server → client): the session's token expires at `expiresAt` (epoch ms), in `inMs`. */
export interface TokenExpiringData {
  expiresAt: number;
  inMs: number;
}

/**
 * `REFRESH_TOKEN_REPLY.data` (server → client), the answer to `REFRESH_TOKEN` with its `reference`. Accepted: the
 * session goes on until the new token's `expiresAt` (absent: no expiry). Refused: `reason` says why, the session keeps
 * its old expiry; `retryAfterMs` when the auth server was busy.
 */
export interface RefreshTokenReplyData {
  isAuthenticated: boolean;
  expiresAt?: number;
  reason?: string;
  retryAfterMs?: number;
}

/** The `retryAfterMs` of a login refused because the app's auth server is busy (a client adds its own backoff). */
export const AUTH_BUSY_RETRY_AFTER_MS = 1_000;
