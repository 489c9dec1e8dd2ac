/**
 * A signal aborted as soon as any of `sources` is (at once if one already is); `dispose` detaches it from them, so a
 * long-lived source (a client's own "closing" signal) does not keep a listener per call.
 */
export function anySignal(sources: ReadonlyArray<AbortSignal | undefined>): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const live = sources.filter((s): s is AbortSignal => s !== undefined);
  const abort = (): void => controller.abort();
  for (const source of live) source.addEventListener('abort', abort, { once: true });
  const dispose = (): void => {
    for (const source of live) source.removeEventListener('abort', abort);
  };
  if (live.some((s) => s.aborted)) abort();
  return { signal: controller.signal, dispose };
}
