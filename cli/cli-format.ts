import type { ClientEvents } from '@linker/client-sdk';

/** `HH:MM:SS.mmm` (UTC) of `now`, the prefix of every line the CLI prints. */
export function timestamp(now: Date = new Date()): string {
  return now.toISOString().slice(11, 23);
}

/** One printed line: `[12:00:01.123] text`. */
export function line(text: string, now?: Date): string {
  return `[${timestamp(now)}] ${text}`;
}

/** How each SDK event reads in the terminal. */
export const describe = {
  message: (m: ClientEvents['message']): string =>
    `<- ${m.from}: ${m.content}${detail([m.reference && `ref ${m.reference}`, m.id && `id ${m.id}`])}`,
  confirmation: (c: ClientEvents['confirmation']): string => `ok delivered (ref ${c.reference})`,
  presence: (p: ClientEvents['presence']): string => `** ${p.userId} ${p.type === 'USER_CONNECTED' ? 'connected' : 'disconnected'}`,
  error: (e: ClientEvents['error']): string =>
    `!! refused by the server: ${e.code}${e.message ? `: ${e.message}` : ''}${detail([e.reference && `ref ${e.reference}`])}`,
  closed: (c: ClientEvents['closed']): string =>
    `!! connection lost (close code ${c.code}${c.reason ? `: ${c.reason}` : ''})${c.willReconnect ? '; reconnecting' : ''}`,
  reconnecting: (r: ClientEvents['reconnecting']): string => `.. reconnect attempt ${r.attempt} in ${r.delayMs} ms`,
  publication: (p: ClientEvents['publication']): string =>
    `#  ${p.channel}${p.from ? ` <- ${p.from}` : ''}: ${JSON.stringify(p.data)}${detail([p.offset !== undefined && `offset ${p.offset}`])}`,
  subscribed: (s: ClientEvents['subscribed']): string =>
    `#  subscribed to ${s.channel}${detail([
      s.epoch !== undefined && `epoch ${s.epoch}, offset ${s.offset}`,
      s.recovered !== undefined && (s.recovered ? 'recovered what was missed' : 'continuity lost: some publications are gone'),
    ])}`,
  reconnected: (r: ClientEvents['reconnected']): string =>
    `.. reconnected after ${r.attempts} attempt(s); fetched ${r.fetched} missed message(s)` +
    (r.leftMissingCount ? `, ${r.leftMissingCount} more stored (/fetch)` : ''),
};

function detail(parts: Array<string | false | undefined | ''>): string {
  const shown = parts.filter((part): part is string => Boolean(part));
  return shown.length > 0 ? `  (${shown.join(', ')})` : '';
}
