import type { ReconnectOptions } from './types';

/** Defaults of automatic reconnects. */
export const DEFAULT_RECONNECT: ReconnectOptions = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 1 };

/**
 * The delay before reconnect attempt `attempt` (1-based): the cap `min(maxDelayMs, initialDelayMs · factor^(attempt-1))`
 * minus a random share of it: `cap · (1 − jitter · random())`. With `jitter: 1` ("full jitter") the delay is uniform
 * in [0, cap], which spreads a crowd of clients that lost the same connector.
 */
export function backoffDelay(attempt: number, options: ReconnectOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const cap = Math.min(options.maxDelayMs, options.initialDelayMs * Math.pow(options.factor, exponent));
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.max(0, Math.round(cap * (1 - jitter * random())));
}

/** Fill partial reconnect options from the defaults; `false` stays `false` (no reconnect). */
export function reconnectOptions(given: Partial<ReconnectOptions> | false | undefined): ReconnectOptions | false {
  if (given === false) return false;
  return { ...DEFAULT_RECONNECT, ...given };
}
