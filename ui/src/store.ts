import { useEffect, useState } from 'preact/hooks';

/** A tiny observable: the screens re-render when the object they show says it changed. */
export class Observable {
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  protected changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Re-render the calling component whenever `observable` changes. */
export function useObservable(observable: Observable): void {
  const [, setTick] = useState(0);
  useEffect(() => observable.subscribe(() => setTick((tick) => tick + 1)), [observable]);
}
