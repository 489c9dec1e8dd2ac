/**
 * The types a mailbox may hold: what a user must eventually get. Control frames (auth replies, presence events,
 * CLOSE_CONNECTION, FETCH_MISSING_MESSAGES_COMPLETE, errors) are live only: storing them would replay stale
 * commands and counts at the next fetch (a bug of the original).
 */
const STORABLE = new Set(['MESSAGE', 'MESSAGE_CONFIRMATION']);

export function isStorable(type: string): boolean {
  return STORABLE.has(type);
}

/** Most messages one fetch returns, whatever `count` asks (docs/protocol.md, Fetch). */
export const MAX_FETCH_COUNT = 2000;
