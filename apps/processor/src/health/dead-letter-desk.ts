import type { Lanes } from '@linker/bus';
import type { DeadLetterSummary } from '@linker/contracts';
import type { DeadLetter, Mailbox } from '@linker/mailbox';
import type { Logger } from '@linker/observability';
import { publishToIntake } from '../intake/intake-key';

export interface DeadLetterDeskDeps {
  mailbox: Mailbox;
  lanes: Lanes;
  domain: string;
  partitions: number;
  logger: Logger;
}

/**
 * What an operator may do with the dead-letter park (docs/protocol.md, Operations endpoints): list it, and re-inject a
 * letter, which publishes its envelope, unchanged and with its own id, to the intake of its lane and unparks it once
 * the lane accepted it. A failure between the two leaves it parked and already published: it may be re-injected
 * twice, and the intake's de-duplication by id (within its window) drops the second.
 */
export class DeadLetterDesk {
  constructor(private readonly deps: DeadLetterDeskDeps) {}

  /** The oldest `limit` parked letters, summed up (no content). */
  async list(limit: number): Promise<DeadLetterSummary[]> {
    return (await this.deps.mailbox.deadLetters(limit)).map(summary);
  }

  /** Re-inject the letter of envelope `id`: false when none is parked; rejects when the lane or the store fails. */
  async reinject(id: string): Promise<boolean> {
    const letter = await this.deps.mailbox.findDeadLetter(id);
    if (letter === undefined) return false;
    const { mailbox, lanes, domain, partitions, logger } = this.deps;
    await publishToIntake(lanes, domain, partitions, letter.envelope);
    await mailbox.removeDeadLetter(id);
    logger.info('dead letter re-injected', { id, type: letter.envelope.type, lane: letter.envelope.lane });
    return true;
  }
}

function summary({ envelope, reason, at }: DeadLetter): DeadLetterSummary {
  const { id, type, lane, from, createdAt } = envelope;
  const row: DeadLetterSummary = { id, type, lane, from, reason, at, createdAt };
  const group = (envelope.data as { to?: unknown } | undefined)?.to;
  const to = envelope.to ?? (Array.isArray(group) ? group.join(', ') : undefined);
  if (to !== undefined) row.to = to;
  return row;
}
