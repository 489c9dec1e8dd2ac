import { CLOSE_CODES, ERROR_CODES } from '@linker/contracts';

/** Protocol error codes (`INVALID_MESSAGE {code, message}`) and close codes in words, from the one table (libs/contracts). */

const CLOSE_BY_NUMBER = new Map<number, { name: string; reason: string }>(
  Object.entries(CLOSE_CODES).map(([name, { code, reason }]) => [code, { name, reason }]),
);

/** Standard WebSocket close codes a browser may report that the connector never sends itself. */
const STANDARD_CLOSES: Record<number, string> = {
  1000: 'The connection was closed normally.',
  1005: 'The connection closed without a status code.',
  1006: 'The connection was lost or could not be opened (no close frame): the connector may be down, or the URL wrong.',
  1008: 'The connector refused the connection (policy violation; e.g. this page’s origin is not allowed).',
};

/** `UNKNOWN_RECIPIENT_APP` → what it means, from the table; an unknown code is shown as is. */
export function errorCodeWords(code: string): string {
  return (ERROR_CODES as Record<string, string>)[code] ?? `Error ${code}.`;
}

/** `4001` → `AUTH_FAILED (4001): Authentication failed …`. */
export function closeCodeWords(code: number): string {
  const known = CLOSE_BY_NUMBER.get(code);
  if (known) return `${known.name} (${code}): ${known.reason}`;
  return `close code ${code}: ${STANDARD_CLOSES[code] ?? 'no description known for this code.'}`;
}
