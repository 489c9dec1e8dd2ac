import type { Home } from '../api/meta';
import type { MessageKind } from './chat-log';
import type { ConnectionState } from './chat-session';

/** What the chat console writes, and the small decisions behind it. Pure, no DOM. */

export const STATE_LABEL: Record<ConnectionState, string> = {
  disconnected: 'Disconnected',
  connecting: 'Connecting',
  authenticated: 'Signed in',
  failed: 'Not signed in',
};

export const time = (ms: number): string => new Date(ms).toLocaleTimeString();

/** How many messages a fetch may ask for. */
export const FETCH_LIMIT = { min: 1, max: 2000 } as const;

/** The count typed in the fetch bar, kept within the limit (anything not a number: 1). */
export function fetchCount(typed: string): number {
  return Math.max(FETCH_LIMIT.min, Math.min(FETCH_LIMIT.max, Number(typed) || 1));
}

/** A group's recipients as a person reads them. */
export const groupLabel = (peer: string): string => `Group: ${peer.split(',').join(', ')}`;

/** The heading of the messages shown: all of them, a group's, or those with one user. */
export function threadTitle(selected: string | undefined): string {
  if (selected === undefined) return 'All messages';
  return selected.includes(',') ? groupLabel(selected) : `With ${selected}`;
}

/** Choosing a conversation addresses the next message to it: one user, or a group. */
export function addressOf(peer: string): { to: string; kind: MessageKind } {
  return { to: peer, kind: peer.includes(',') ? 'GROUP_MESSAGE' : 'MESSAGE' };
}

/** Whether the user signed in is the master user of its app (who sees presence and may close connections). */
export function isMasterUser(userId: string, master: string | undefined): boolean {
  return userId !== '' && master === userId;
}

/** What the connect form says of a user's home: another domain's connector to use, or that the login will be refused. */
export type HomeHint = { kind: 'elsewhere'; domain: string; url: string } | { kind: 'homeless'; reason: string };

export function homeHint(
  home: Home | undefined,
  endpoints: ReadonlyArray<{ domain: string; url: string }>,
  url: string,
): HomeHint | undefined {
  if (home === undefined || home.kind === 'everywhere') return undefined;
  if (home.kind === 'domain') {
    const endpoint = endpoints.find((e) => e.domain === home.domain);
    return endpoint !== undefined && endpoint.url !== url ? { kind: 'elsewhere', domain: home.domain, url: endpoint.url } : undefined;
  }
  const reason =
    home.kind === 'unknown-app' ? 'no such app' : home.kind === 'outside-ranges' ? 'its number is outside every range' : 'not a user id';
  return { kind: 'homeless', reason };
}

/** Users of the app seen by the presence feed, by user id. */
export function presenceList<T>(presence: ReadonlyMap<string, T>): Array<[string, T]> {
  return [...presence.entries()].sort(([a], [b]) => a.localeCompare(b));
}
