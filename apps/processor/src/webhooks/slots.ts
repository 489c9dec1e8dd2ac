interface Waiter {
  key: string;
  start: () => void;
}

/**
 * At most `total` tasks at once, and at most `perKey` under one key; the others wait, first come first served among
 * those that may start. A key at its own limit never holds up another key's task.
 */
export class Slots {
  private running = 0;
  private readonly byKey = new Map<string, number>();
  private readonly waiting: Waiter[] = [];

  constructor(
    private readonly total: number,
    private readonly perKey: number,
  ) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    await this.acquire(key);
    try {
      return await task();
    } finally {
      this.release(key);
    }
  }

  private acquire(key: string): Promise<void> {
    if (this.free(key)) {
      this.take(key);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ key, start: () => (this.take(key), resolve()) }));
  }

  private release(key: string): void {
    this.running -= 1;
    const held = (this.byKey.get(key) ?? 1) - 1;
    if (held === 0) this.byKey.delete(key);
    else this.byKey.set(key, held);
    for (let i = 0; i < this.waiting.length && this.running < this.total;) {
      if (!this.free(this.waiting[i].key)) i += 1;
      else this.waiting.splice(i, 1)[0].start();
    }
  }

  private free(key: string): boolean {
    return this.running < this.total && (this.byKey.get(key) ?? 0) < this.perKey;
  }

  private take(key: string): void {
    this.running += 1;
    this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1);
  }
}
