import type { ConfigErrorCode } from '@linker/config';
import { LinkerError } from '@linker/kernel';
import { LINK_CLOSE_CODES, type LinkCloseName } from './link-close-codes';

/** Why a link operation or a link connection failed (the `code` of the `LinkerError`, and of `lastFailure`). */
export type LinkErrorCode =
  /** The link to the peer is down: a send waits for no connection; retriable. */
  | 'LINK_DOWN'
  /** The link was closed by its owner, or while it was connecting; retriable. */
  | 'LINK_CLOSED'
  /** The peer could not store a batch (its error code is in the message); retriable. */
  | 'LINK_NACK'
  /** Nothing answers at the peer's link endpoint; retriable. */
  | 'LINK_UNREACHABLE'
  /** TLS failed: the peer's certificate did not verify against the configured CA (or the peer refused ours); retriable (once the certificates are fixed). */
  | 'LINK_TLS_REFUSED'
  /** The peer closed the connection during the handshake with a close code that names no reason of its own; retriable. */
  | 'LINK_REFUSED'
  /** The challenge-response failed: the two domains' secrets differ (close 4401); retriable (once they agree). */
  | 'LINK_AUTH_FAILED'
  /** The peer does not take this domain as a neighbour (close 4403); retriable (once the topologies agree). */
  | 'LINK_UNEXPECTED_PEER'
  /** The challenge-response did not complete in time (close 4408); retriable. */
  | 'LINK_HANDSHAKE_TIMEOUT'
  /** The peer sent faster than the inbound rate limit (close 4429); retriable. */
  | 'LINK_FLOOD'
  /** A frame that is not JSON, not of the link protocol, or out of order (close 4400); not retriable (a connection it ended is dialed again). */
  | 'LINK_PROTOCOL_ERROR'
  /** An envelope does not fit in a link frame (close 1009 when a peer sent one); not retriable (a connection it ended is dialed again). */
  | 'LINK_FRAME_TOO_LARGE'
  /** The topology gives a link endpoint that is not tcp://host:port, ws://host:port or wss://host:port; not retriable. */
  | 'INVALID_LINK_ENDPOINT'
  /** The in-memory network already serves that endpoint; not retriable. */
  | 'LINK_ENDPOINT_IN_USE'
  /** Link limits that are not positive integers or do not fit together; not retriable. */
  | ConfigErrorCode;

/** A connection attempt or a connection that failed, with the close code it ended with when there was one. */
export class LinkFailureError extends LinkerError<LinkErrorCode> {
  constructor(
    code: LinkErrorCode,
    message: string,
    readonly closeCode?: number,
    cause?: unknown,
  ) {
    super(code, message, { retriable: true, cause });
  }
}

/** The error code a refusal by close code maps to (what `lastFailure.code` says). */
const FAILURE_CODES: Record<LinkCloseName, LinkErrorCode> = {
  NORMAL: 'LINK_REFUSED',
  GOING_AWAY: 'LINK_REFUSED',
  AUTH_FAILED: 'LINK_AUTH_FAILED',
  UNEXPECTED_PEER: 'LINK_UNEXPECTED_PEER',
  HANDSHAKE_TIMEOUT: 'LINK_HANDSHAKE_TIMEOUT',
  PROTOCOL_ERROR: 'LINK_PROTOCOL_ERROR',
  FLOOD: 'LINK_FLOOD',
  TOO_BIG: 'LINK_FRAME_TOO_LARGE',
};

export function refused(name: LinkCloseName, message: string): LinkFailureError {
  return new LinkFailureError(FAILURE_CODES[name], message, LINK_CLOSE_CODES[name].code);
}

export const linkDown = (peer: string, why: string): LinkerError<LinkErrorCode> =>
  new LinkerError('LINK_DOWN', `link to ${peer} is down: ${why}`, { retriable: true });
export const linkClosed = (peer: string): LinkerError<LinkErrorCode> =>
  new LinkerError('LINK_CLOSED', `link to ${peer} was closed`, { retriable: true });
export const linkNack = (peer: string, error: string): LinkerError<LinkErrorCode> =>
  new LinkerError('LINK_NACK', `${peer} could not store the batch: ${error}`, { retriable: true });
