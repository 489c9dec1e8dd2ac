import type { LinkReport } from '../federation/link-metrics';
import type { AppWebhookReport } from '../webhooks/webhook-stats';

/**
 * What a processor has done since it started, for health checks, logs and tests. Counters only: reading them
 * costs nothing and nothing here is on a lock or an I/O path.
 */
export class ProcessorStats {
  /** Intake records whose effects were written (dead-lettered ones included). */
  processed = 0;
  /** Of `processed`, those of the RELIABLE lane and of the FAST lane. */
  processedReliable = 0;
  processedFast = 0;
  /** Intake records skipped because their envelope id was seen already. */
  duplicates = 0;
  /** Handler attempts that failed and were tried again. */
  retries = 0;
  /** Envelopes parked in the dead-letter store. */
  deadLettered = 0;
  /** Deliveries of stored messages to sockets their recipients opened while the messages were being stored. */
  storedThenHanded = 0;
  /** Batches whose effects could not be written and were handed back to the lane. */
  failedBatches = 0;
  /** Logins refused at once because their app already had as many logins waiting for its webhook as allowed. */
  authBusy = 0;
  /** When the last batch was committed, epoch ms (0: none yet). */
  lastBatchAt = 0;
}

/** A processor's health: whether it consumes, and its counters. */
export interface ProcessorHealth {
  running: boolean;
  domain: string;
  name: string;
  stats: Readonly<ProcessorStats>;
  /** Messages reported delivered whose removal from the mailbox is queued or under way (`RemovalQueue`). */
  pendingRemovals: number;
  /** Users whose mailbox waits for a trim to its app's cap, or is being trimmed. */
  pendingTrims: number;
  /** Messages this processor dropped from mailboxes since it started, per app and reason (docs/protocol.md, Mailbox limits). */
  mailboxDropped: Record<string, { cap: number; age: number }>;
  /** Per app with a webhook: events sent, failed requests, events dropped and pending a retry here. */
  webhooks: Record<string, AppWebhookReport>;
  /** Links to the neighbour domains (absent without federation). */
  links?: LinkReport[];
  /** Connections to this domain's link endpoint refused during the TLS handshake (absent without federation). */
  linkTlsRefusedInbound?: number;
  /** Analytics events written since start, and dropped (the store failed or did not answer); absent without analytics. */
  analytics?: { written: number; dropped: number };
}
