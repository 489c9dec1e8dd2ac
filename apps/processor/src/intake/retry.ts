/** Resolves after `ms` milliseconds (a retry backoff; never used to wait for a condition). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The backoff before retry number `retry` (0-based): `firstMs`, doubling, capped at 30 s. */
export function backoffMs(firstMs: number, retry: number): number {
  return Math.min(firstMs * 2 ** retry, 30_000);
}
