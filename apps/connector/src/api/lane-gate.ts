import type { Envelope, Lane } from '@linker/contracts';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { IntakePublisher } from '../ingress/intake-publisher';
import { OVERLOAD_RETRY_AFTER_MS, type LaneBacklog } from '../ingress/lane-backlog';
import { publishFailure } from '../ingress/publish-failure';
import { ApiFailure } from './api-failure';

const OVERLOADED = `the connector is overloaded; nothing was sent: retry in ${OVERLOAD_RETRY_AFTER_MS} ms`;

/**
 * The server API's way onto the lanes, under the same backlog as the client frames (`LaneBacklog`): over its limit,
 * 503 OVERLOADED before anything is sent; then one publish of every envelope of the request, which resolves once the
 * lane accepted them all. A failed publish is 503 UNAVAILABLE (an outage of the lane's broker, with `Retry-After`)
 * or 500 INTERNAL_ERROR, as a client frame's would be (`publishFailure`).
 */
export class LaneGate {
  constructor(
    private readonly intake: IntakePublisher,
    private readonly backlog: LaneBacklog,
    private readonly logger: Logger,
  ) {}

  /** Throws OVERLOADED when `lane` takes nothing more now: call before any other work that would be wasted. */
  admit(lane: Lane): void {
    if (this.backlog.refuses(lane)) throw new ApiFailure('OVERLOADED', OVERLOADED, { retryAfterMs: OVERLOAD_RETRY_AFTER_MS });
  }

  async publish(lane: Lane, key: string, envelopes: readonly Envelope[]): Promise<void> {
    this.admit(lane);
    this.backlog.add(lane);
    try {
      await this.intake.publishAll(lane, key, envelopes);
    } catch (error) {
      this.logger.warn('server API request could not be published', { lane, type: envelopes[0]?.type, error: errorMessage(error) });
      const { code, message, hint } = publishFailure(lane, error, 'it may not have been accepted');
      throw new ApiFailure(code === 'UNAVAILABLE' ? 'UNAVAILABLE' : 'INTERNAL_ERROR', message, { retryAfterMs: hint?.retryAfterMs });
    } finally {
      this.backlog.settled[lane]();
    }
  }
}
