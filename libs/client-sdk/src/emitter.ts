/** A listener of event `K` of the event map `E`. */
export type Listener<E, K extends keyof E> = (payload: E[K]) => void;

/**
 * A small typed event emitter (no Node `events`, so it runs in browsers). Listeners run synchronously in the
 * order they were added; one that throws does not stop the others: its error goes to `onListenerError`.
 */
export class TypedEmitter<E> {
  /**
   * Each event's listeners in the order added. An array is replaced, never changed, when a listener is added or
   * removed, so `emit` can run the array it found without copying it first (it runs once per message or more).
   */
  private readonly listeners = new Map<keyof E, ReadonlyArray<Listener<E, keyof E>>>();

  /** @param onListenerError where errors thrown by listeners go (default: rethrown asynchronously). */
  constructor(private readonly onListenerError: (error: unknown, event: keyof E) => void = rethrowLater) {}

  /** Add a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E, K>): () => void {
    const current = this.listeners.get(event) ?? [];
    if (!current.includes(listener as Listener<E, keyof E>)) this.listeners.set(event, [...current, listener as Listener<E, keyof E>]);
    return () => this.off(event, listener);
  }

  /** Add a listener that runs once. */
  once<K extends keyof E>(event: K, listener: Listener<E, K>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E, K>): void {
    const current = this.listeners.get(event);
    if (current === undefined || !current.includes(listener as Listener<E, keyof E>)) return;
    const rest = current.filter((l) => l !== listener);
    if (rest.length > 0) this.listeners.set(event, rest);
    else this.listeners.delete(event);
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof E): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  /** Run every listener of `event` with `payload`, synchronously (those added or removed meanwhile: next time). */
  protected emit<K extends keyof E>(event: K, payload: E[K]): void {
    const listeners = this.listeners.get(event);
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(payload);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}

function rethrowLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}
