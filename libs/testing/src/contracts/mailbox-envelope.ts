import type { Envelope } from '@linker/contracts';
import { newMessageId } from '@linker/kernel';

/** An envelope for `to`, as the processor would store it; `createdAt` defaults to a fixed instant. */
export function mailboxEnvelope(to: string, overrides: Partial<Envelope> = {}): Envelope {
  return {
    id: newMessageId(),
    lane: 'RELIABLE',
    type: 'MESSAGE',
    from: 'ANZ-1',
    to,
    data: { to, content: 'hello' },
    reference: 'ref-1',
    confirm: true,
    path: ['domain-01'],
    createdAt: 1_700_000_000_000,
    hops: 0,
    ...overrides,
  };
}

/** `count` envelopes for `to` with increasing createdAt (one ms apart), in store order. */
export function series(to: string, count: number, start = 1_700_000_000_000): Envelope[] {
  return Array.from({ length: count }, (_, n) => mailboxEnvelope(to, { createdAt: start + n }));
}
