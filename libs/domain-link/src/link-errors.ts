import { LinkerError } from '@linker/kernel';
import { LINK_CLOSE_CODES, type LinkCloseName } from './link-close-codes';

/** A connection attempt or a connection that failed, with the close code it ended with when there was one. */
export class LinkFailureError extends LinkerError {
  constructor(
    code: string,
    message: string,
    readonly closeCode?: number,
    cause?: unknown,
  ) {
    super(code, message, { retriable: true, cause });
  }
}

/** The error code a refusal by close code maps to (what `lastFailure.code` says). */
const FAILURE_CODES: Partial<Record<LinkCloseName, string>> = {
  AUTH_FAILED: 'LINK_AUTH_FAILED',
  UNEXPECTED_PEER: 'LINK_UNEXPECTED_PEER',
  HANDSHAKE_TIMEOUT: 'LINK_HANDSHAKE_TIMEOUT',
  PROTOCOL_ERROR: 'LINK_PROTOCOL_ERROR',
  FLOOD: 'LINK_FLOOD',
  TOO_BIG: 'LINK_FRAME_TOO_LARGE',
};

export function refused(name: LinkCloseName, message: string): LinkFailureError {
  return new LinkFailureError(FAILURE_CODES[name] ?? 'LINK_REFUSED', message, LINK_CLOSE_CODES[name].code);
}

export const linkDown = (peer: string, why: string): LinkerError => new LinkerError('LINK_DOWN', `link to ${peer} is down: ${why}`, { retriable: true });
export const linkClosed = (peer: string): LinkerError => new LinkerError('LINK_CLOSED', `link to ${peer} was closed`, { retriable: true });
export const linkNack = (peer: string, error: string): LinkerError =>
  new LinkerError('LINK_NACK', `${peer} could not store the batch: ${error}`, { retriable: true });
