import type { ServerResponse } from 'node:http';
import { HttpException, HttpStatus } from '@nestjs/common';

/** A quiet address saves up this many seconds' worth of validation time: its burst. */
const BURST_SECONDS = 10;
/** Checks (any caller's) waiting for their turn beyond which the next anonymous validation is refused (503), not queued. */
export const MAX_QUEUED_VALIDATIONS = 16;
/** Addresses remembered before those with a full bucket (nothing to remember) are forgotten. */
const TRACKED_ADDRESSES = 10_000;

/**
 * What `POST /topology/validate` may cost the meta-server when the caller does not hold the admin token (ADR 0013):
 * each client address has a bucket of validation time, refilled at `msPerSecond` (up to 10 s worth) and charged
 * with what each of its validations took; an empty bucket is refused with 429 and `Retry-After` until it refills.
 * So one address may keep the meta-server's event loop busy validating for at most `msPerSecond` ms of each second
 * on average, whatever it sends. `msPerSecond` 0: no limit.
 */
export class ValidationBudget {
  private readonly buckets = new Map<string, { ms: number; at: number }>();
  private readonly capacity: number;

  constructor(
    private readonly msPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = msPerSecond * BURST_SECONDS;
  }

  /**
   * Throws the refusal when `address` may not validate now: 503 when `queued` validations already wait their turn,
   * 429 when its time is used up. Either way `Retry-After` (seconds) is set on `response`.
   */
  admit(address: string, queued: number, response: ServerResponse): void {
    if (queued >= MAX_QUEUED_VALIDATIONS) {
      response.setHeader('Retry-After', '1');
      throw new HttpException(
        {
          statusCode: HttpStatus.SERVICE_UNAVAILABLE,
          error: 'Service Unavailable',
          message: `${queued} validations are waiting for their turn: retry in a second`,
        },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const wait = this.waitSeconds(address);
    if (wait === 0) return;
    response.setHeader('Retry-After', String(wait));
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `this address has used its validation time (${this.msPerSecond} ms per second, LINKER_META_VALIDATE_MS_PER_SECOND): retry in ${wait} s, or send the admin token`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  /** Whole seconds until `address` may validate again; 0: now. */
  waitSeconds(address: string): number {
    if (this.msPerSecond === 0) return 0;
    const balance = this.balance(address);
    return balance > 0 ? 0 : Math.max(1, Math.ceil(-balance / this.msPerSecond));
  }

  /** Take `ms` (what a validation of `address` took) from its bucket. */
  charge(address: string, ms: number): void {
    if (this.msPerSecond === 0) return;
    this.buckets.set(address, { ms: this.balance(address) - ms, at: this.now() });
    if (this.buckets.size > TRACKED_ADDRESSES) {
      for (const known of this.buckets.keys()) if (this.balance(known) >= this.capacity) this.buckets.delete(known);
    }
  }

  private balance(address: string): number {
    const bucket = this.buckets.get(address);
    if (!bucket) return this.capacity;
    return Math.min(this.capacity, bucket.ms + ((this.now() - bucket.at) * this.msPerSecond) / 1000);
  }
}
