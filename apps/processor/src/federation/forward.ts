import { createHash } from 'node:crypto';
import type { Envelope, RecordErrorCode } from '@linker/contracts';
import { checkEnvelopeSize } from '@linker/domain-link';
import { errorMessage, getOrAdd, LinkerError } from '@linker/kernel';
import { checkForward, type RouteLookup } from '@linker/routing';

/**
 * The users an envelope in a link queue is for: their homes decide the next hop (GROUP_MESSAGE: `data.to`; MESSAGE:
 * `data.to`, else `to`; anything else: `to`).
 */
export function recipientsOfForward(envelope: Envelope): string[] {
  const data = envelope.data as { to?: unknown } | null | undefined;
  if (Array.isArray(data?.to)) return data.to.filter((id): id is string => typeof id === 'string');
  const to = typeof data?.to === 'string' && data.to !== '' ? data.to : envelope.to;
  if (!to) throw new LinkerError<RecordErrorCode>('INVALID_ENVELOPE', `${envelope.type} ${envelope.id} in a link queue names no recipient`);
  return [to];
}

/**
 * `envelope` for only `recipients` of a GROUP_MESSAGE (itself when they are all of them), under the id of that part
 * (`subGroupId`).
 */
export function groupPart(envelope: Envelope, recipients: string[]): Envelope {
  const data = envelope.data as { to: string[]; content: string };
  if (recipients.length === data.to.length) return envelope;
  return { ...envelope, id: subGroupId(messageIdOf(envelope.id), recipients), data: { to: recipients, content: data.content } };
}

/** The id of the part of group message `messageId` for `recipients` (order and repeats do not matter). */
export function subGroupId(messageId: string, recipients: readonly string[]): string {
  const digest = createHash('sha256')
    .update([...new Set(recipients)].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
  return `${messageId}.group.${digest}`;
}

/** The message id a part of a group message stands for (the id itself for anything else). */
export function messageIdOf(id: string): string {
  const at = id.indexOf('.group.');
  return at < 0 ? id : id.slice(0, at);
}

/**
 * The envelope as it goes into a link queue: without the socket it came from (a socket of this domain means nothing
 * elsewhere; errors for a remote sender are not sent back yet).
 */
export function forwardable(envelope: Envelope): Envelope {
  if (envelope.origin === undefined) return envelope;
  const { origin: _origin, ...rest } = envelope;
  return rest;
}

/** Why an envelope can never be handed on, with the error code its sender is told. */
export interface Unforwardable {
  code: 'TOO_LARGE' | 'UNREACHABLE_DOMAIN';
  reason: string;
}

/** Why `envelope` can never be handed to `nextHop` (over the hop limit, or too large for a link frame), if so. */
export function unforwardable(envelope: Envelope, nextHop: string): Unforwardable | undefined {
  const check = checkForward(envelope, nextHop);
  if (!check.ok && check.reason === 'hop-limit') return { code: 'UNREACHABLE_DOMAIN', reason: check.message };
  try {
    checkEnvelopeSize(envelope);
    return undefined;
  } catch (error) {
    return { code: 'TOO_LARGE', reason: errorMessage(error) };
  }
}

/**
 * Domains a channel publication is for, grouped by the next hop toward each (`routes`, avoiding `path`); `stranded`:
 * those with no way to forward to (this domain itself, or no path).
 */
export function domainsByNextHop(
  domains: readonly string[],
  routes: RouteLookup,
  path: readonly string[],
): { byHop: Map<string, string[]>; stranded: string[] } {
  const byHop = new Map<string, string[]>();
  const stranded: string[] = [];
  for (const destination of domains) {
    const route = routes.to(destination, path);
    if (route.kind !== 'forward') {
      stranded.push(destination);
      continue;
    }
    getOrAdd(byHop, route.via).push(destination);
  }
  return { byHop, stranded };
}
