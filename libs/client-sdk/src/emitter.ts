/** A listener of event `K` of the event map `E`. */
export type Listener<E, K extends keyof E> = (payload: E[K]) => void;

/**
 * A small typed event emitter (no Node `events`, so it runs in browsers). Listeners run synchronously in the
 * order they were added; one that throws does not stop the others: its error goes to `onListenerError`.
 */
export class TypedEmitter<E> {
  private readonly listeners = new Map<keyof E, Set<Listener<E, keyof E>>>();

  /** @param onListenerError where errors thrown by listeners go (default: rethrown asynchronously). */
  constructor(private readonly onListenerError: (error: unknown, event: keyof E) => void = rethrowLater) {}

  /** Add a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E, K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<E, keyof E>);
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
    this.listeners.get(event)?.delete(listener as Listener<E, keyof E>);
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof E): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** Run every listener of `event` with `payload`, synchronously. */
  protected emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
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
