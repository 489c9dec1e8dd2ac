/**
 * Exponential backoff with full jitter (AWS architecture blog): attempt n (1-based) waits a uniformly random time in
 * [0, min(maxMs, initialMs · 2^(n-1))]. Spreads the reconnects of many links after a shared outage.
 */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(random() * ceiling);
}
