/**
 * The window of unanswered batch frames on one outbound link: at most `size` in flight; frames beyond it wait, first
 * in first out, for an answer to free a slot. Losing the connection empties the window and fails the waiting frames.
 */
export class SendWindow {
  private readonly waiting: Array<{ wake: () => void; fail: (error: Error) => void }> = [];
  private used = 0;

  constructor(private readonly size: number) {}

  /** Resolves once the caller holds a slot (in call order); rejects if the window is reset first. */
  acquire(): Promise<void> {
    if (this.used < this.size && this.waiting.length === 0) {
      this.used += 1;
      return Promise.resolve();
    }
    return new Promise<void>((wake, fail) => this.waiting.push({ wake, fail }));
  }

  /** An answer came: hand the slot to the next waiting frame, or free it. */
  release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next.wake();
    else this.used = Math.max(0, this.used - 1);
  }

  /** The connection is gone: every slot is free again and the waiting frames fail with `error`. */
  reset(error: Error): void {
    this.used = 0;
    for (const waiter of this.waiting.splice(0)) waiter.fail(error);
  }
}
