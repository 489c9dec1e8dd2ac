export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeoutMs?: number;
  /** How often to look again. */
  intervalMs?: number;
}

/**
 * Wait until `condition` returns a truthy value (or a promise of one) and return it.
 * Throws after the deadline with `what` in the message, and the last error the condition threw, if any.
 */
export async function waitFor<T>(
  what: string,
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 10_000, intervalMs = 10 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
