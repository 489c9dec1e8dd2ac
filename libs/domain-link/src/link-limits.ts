import { LinkerError } from '@linker/kernel';
import type { LinkErrorCode } from './link-errors';

/**
 * The limits of one link, the same on both sides of it (a peer with other limits is a misconfiguration that shows as
 * refused frames, never as silent loss). Every field is optional where it is passed in; the defaults are below.
 */
export interface LinkLimits {
  /** Largest frame either side sends or accepts (the `ws` `maxPayload` on both sides). Default 1 MiB. */
  maxFrameBytes: number;
  /** Most envelopes in one batch frame; `send` splits larger batches. Default 500. */
  maxBatchEnvelopes: number;
  /**
   * Batch frames sent and not yet answered, per connection. The sender holds further frames back until an answer comes;
   * a receiver cuts a connection with more unanswered than this (4429), so its memory stays bounded. Default 32.
   */
  maxInFlightBatches: number;
  /** Inbound rate limit per connection: envelopes per second (token bucket refill). Default 10,000. */
  inboundEnvelopesPerSecond: number;
  /** Inbound burst per connection (bucket size; at least `maxBatchEnvelopes`). Default 20,000. */
  inboundBurst: number;
  /** Heartbeat: one ping every `heartbeatMs`; the link is down after `missedPongs` pings without a pong. Default 5 s, 2. */
  heartbeatMs: number;
  missedPongs: number;
  /** Deadline of the mutual challenge-response, each side. Default 5 s. */
  handshakeTimeoutMs: number;
  /** Reconnect: full-jitter exponential backoff from `backoffInitialMs` doubling to `backoffMaxMs`. Default 100 ms, 10 s. */
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_LINK_LIMITS: Readonly<LinkLimits> = Object.freeze({
  maxFrameBytes: 1024 * 1024,
  maxBatchEnvelopes: 500,
  maxInFlightBatches: 32,
  inboundEnvelopesPerSecond: 10_000,
  inboundBurst: 20_000,
  heartbeatMs: 5_000,
  missedPongs: 2,
  handshakeTimeoutMs: 5_000,
  backoffInitialMs: 100,
  backoffMaxMs: 10_000,
});

/** The defaults overridden by `overrides`; throws a non-retriable `INVALID_CONFIG` listing every bad field. */
export function resolveLinkLimits(overrides: Partial<LinkLimits> = {}): Readonly<LinkLimits> {
  const limits = { ...DEFAULT_LINK_LIMITS, ...overrides };
  const problems = Object.entries(limits)
    .filter(([, value]) => !Number.isInteger(value) || value < 1)
    .map(([name, value]) => `${name} must be a positive integer (got ${String(value)})`);
  if (limits.inboundBurst < limits.maxBatchEnvelopes) problems.push('inboundBurst must be at least maxBatchEnvelopes');
  if (limits.backoffMaxMs < limits.backoffInitialMs) problems.push('backoffMaxMs must be at least backoffInitialMs');
  if (problems.length > 0) throw new LinkerError<LinkErrorCode>('INVALID_CONFIG', `invalid link limits: ${problems.join('; ')}`);
  return Object.freeze(limits);
}
