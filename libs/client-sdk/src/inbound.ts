import type { RefreshTokenReplyData, ServerFrame, TokenExpiringData } from '@linker/contracts';
import type { AuthReply, ClientEvents, IncomingMessage } from './types';

/**
 * Reading server frames (docs/protocol.md, Server frames) defensively: the SDK trusts the shape of nothing it receives, so a
 * malformed frame is reported and skipped instead of throwing inside a socket callback.
 */

/** Parse one text frame; undefined when it is not a JSON object with a string `type`. */
export function parseServerFrame(data: unknown): ServerFrame | undefined {
  if (typeof data !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  const frame: ServerFrame = { type: value.type, data: value.data ?? {} };
  if (typeof value.reference === 'string') frame.reference = value.reference;
  else if (typeof value.reference === 'number') frame.reference = String(value.reference);
  if (typeof value.id === 'string') frame.id = value.id;
  return frame;
}

/** `MESSAGE {from, content}` with its reference and id. */
export function readMessage(frame: ServerFrame): IncomingMessage | undefined {
  const data = frame.data;
  if (!isRecord(data) || typeof data.from !== 'string' || typeof data.content !== 'string') return undefined;
  const message: IncomingMessage = { from: data.from, content: data.content };
  if (frame.id !== undefined) message.id = frame.id;
  if (frame.reference !== undefined) message.reference = frame.reference;
  return message;
}

/** `AUTH_CLIENT_REPLY {appId, userId, isAuthenticated}`. */
export function readAuthReply(frame: ServerFrame): AuthReply | undefined {
  const data = frame.data;
  if (!isRecord(data) || typeof data.isAuthenticated !== 'boolean') return undefined;
  const reply: AuthReply = { appId: String(data.appId ?? ''), userId: String(data.userId ?? ''), isAuthenticated: data.isAuthenticated };
  return { ...reply, ...numbers(data, 'expiresAt', 'retryAfterMs') };
}

/** `TOKEN_EXPIRING {expiresAt, inMs}`. */
export function readTokenExpiring(frame: ServerFrame): TokenExpiringData | undefined {
  const data = frame.data;
  if (!isRecord(data) || typeof data.expiresAt !== 'number' || typeof data.inMs !== 'number') return undefined;
  return { expiresAt: data.expiresAt, inMs: data.inMs };
}

/** `REFRESH_TOKEN_REPLY {isAuthenticated, expiresAt?, reason?, retryAfterMs?}`. */
export function readRefreshReply(frame: ServerFrame): RefreshTokenReplyData | undefined {
  const data = frame.data;
  if (!isRecord(data) || typeof data.isAuthenticated !== 'boolean') return undefined;
  const reason = typeof data.reason === 'string' ? { reason: data.reason } : {};
  return { isAuthenticated: data.isAuthenticated, ...numbers(data, 'expiresAt', 'retryAfterMs'), ...reason };
}

/** The fields of `data` named `keys` that are numbers. */
function numbers<K extends string>(data: Record<string, unknown>, ...keys: K[]): Partial<Record<K, number>> {
  const found: Partial<Record<K, number>> = {};
  for (const key of keys) if (typeof data[key] === 'number') found[key] = data[key];
  return found;
}

/** `MESSAGE_CONFIRMATION {reference, path?}` (the reference may also sit on the frame; `path` for another domain's). */
export function readConfirmation(frame: ServerFrame): ClientEvents['confirmation'] | undefined {
  const data = frame.data;
  const reference = isRecord(data) && typeof data.reference === 'string' ? data.reference : frame.reference;
  if (reference === undefined) return undefined;
  const path =
    isRecord(data) && Array.isArray(data.path) && data.path.every((d) => typeof d === 'string') ? (data.path as string[]) : undefined;
  return path ? { reference, path } : { reference };
}

/** `USER_CONNECTED {userId}` / `USER_DISCONNECTED {userId}`. */
export function readPresence(frame: ServerFrame): ClientEvents['presence'] | undefined {
  const data = frame.data;
  if (frame.type !== 'USER_CONNECTED' && frame.type !== 'USER_DISCONNECTED') return undefined;
  if (!isRecord(data) || typeof data.userId !== 'string') return undefined;
  return { type: frame.type, userId: data.userId };
}

/** `PUBLICATION {channel, data, from?, offset?}`. */
export function readPublication(frame: ServerFrame): ClientEvents['publication'] | undefined {
  const data = frame.data;
  if (!isRecord(data) || typeof data.channel !== 'string' || !('data' in data)) return undefined;
  const publication: ClientEvents['publication'] = { channel: data.channel, data: data.data };
  if (typeof data.from === 'string') publication.from = data.from;
  if (typeof data.offset === 'number') publication.offset = data.offset;
  return publication;
}

/** `SUBSCRIBED {channel, epoch?, offset?, recovered?}`. */
export function readSubscribed(frame: ServerFrame): ClientEvents['subscribed'] | undefined {
  const data = frame.data;
  if (!isRecord(data) || typeof data.channel !== 'string') return undefined;
  const subscribed: ClientEvents['subscribed'] = { channel: data.channel };
  if (typeof data.epoch === 'string' && typeof data.offset === 'number') {
    subscribed.epoch = data.epoch;
    subscribed.offset = data.offset;
  }
  if (typeof data.recovered === 'boolean') subscribed.recovered = data.recovered;
  return subscribed;
}

/** `INVALID_MESSAGE {code, message, retryAfterMs?}` with the refused frame's reference. */
export function readError(frame: ServerFrame): ClientEvents['error'] {
  const data = isRecord(frame.data) ? frame.data : {};
  const error: ClientEvents['error'] = {
    code: typeof data.code === 'string' ? data.code : 'UNKNOWN',
    message: typeof data.message === 'string' ? data.message : '',
  };
  if (frame.reference !== undefined) error.reference = frame.reference;
  if (typeof data.retryAfterMs === 'number') error.retryAfterMs = data.retryAfterMs;
  if (data.lane === 'RELIABLE' || data.lane === 'FAST') error.lane = data.lane;
  if (typeof data.id === 'string') error.id = data.id;
  return error;
}

/** `ACCEPTED {id}` with the frame's reference; undefined when it names no id. */
export function readAccepted(frame: ServerFrame): ClientEvents['accepted'] | undefined {
  const data = isRecord(frame.data) ? frame.data : {};
  if (typeof data.id !== 'string') return undefined;
  return frame.reference === undefined ? { id: data.id } : { id: data.id, reference: frame.reference };
}

/** `FETCH_MISSING_MESSAGES_COMPLETE {leftMissingCount}`; 0 when the server sent no number. */
export function readLeftMissingCount(frame: ServerFrame): number {
  const data = frame.data;
  return isRecord(data) && typeof data.leftMissingCount === 'number' ? data.leftMissingCount : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
