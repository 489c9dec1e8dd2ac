/**
 * The types a mailbox may hold: what a user must eventually get. Control frames (auth replies, presence events,
 * CLOSE_CONNECTION, FETCH_MISSING_MESSAGES_COMPLETE, errors) are live only: storing them would replay stale
 * commands and counts at the next fetch (the original's bug, seed §10.2.2).
 */
const STORABLE = new Set(['MESSAGE', 'MESSAGE_CONFIRMATION']);

export function isStorable(type: string): boolean {
  return STORABLE.has(type);
}

/** Most messages one fetch returns, whatever `count` asks (SPEC §2.3). */
export const MAX_FETCH_COUNT = 2000;
