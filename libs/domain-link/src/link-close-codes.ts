/**
 * The one table of close codes on a link (WebSocket close codes; the memory twin reports the same numbers).
 * 1xxx are standard; 44xx are ours, named after the HTTP status they resemble. docs/adr/0008 lists the same rows.
 */
export const LINK_CLOSE_CODES = {
  NORMAL: { code: 1000, reason: 'The link was closed by its owner.' },
  GOING_AWAY: { code: 1001, reason: 'The link server is shutting down, or dropped the connection on purpose.' },
  TOO_BIG: { code: 1009, reason: 'A frame was larger than the link frame limit.' },
  PROTOCOL_ERROR: { code: 4400, reason: 'Garbage: not JSON, an unknown or out-of-order frame, or an invalid envelope.' },
  AUTH_FAILED: { code: 4401, reason: 'The challenge-response failed (wrong proof or wrong domain): the secrets differ.' },
  UNEXPECTED_PEER: { code: 4403, reason: 'The dialing domain is not a neighbour of this one, or has no secret here.' },
  HANDSHAKE_TIMEOUT: { code: 4408, reason: 'The challenge-response did not complete within the deadline.' },
  FLOOD: { code: 4429, reason: 'The peer sent envelopes faster than the inbound rate limit.' },
} as const;

export type LinkCloseName = keyof typeof LINK_CLOSE_CODES;

/** The name of a close code of the table, or undefined (e.g. 1006, a connection dropped without a close frame). */
export function linkCloseName(code: number): LinkCloseName | undefined {
  return (Object.keys(LINK_CLOSE_CODES) as LinkCloseName[]).find((name) => LINK_CLOSE_CODES[name].code === code);
}
