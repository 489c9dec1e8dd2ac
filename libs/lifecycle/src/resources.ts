import type { Closable } from './run-service';

/**
 * Resources opened one after another and closed in reverse order. If opening one fails, the ones already open are
 * closed before the error propagates, so a failed start-up leaves no connection behind.
 */
export class ResourceStack implements Closable {
  private readonly opened: Closable[] = [];

  /** Open one resource with `open`; remember it for `close`. On failure, close everything opened so far and rethrow. */
  async open<T extends Closable>(open: () => T | Promise<T>): Promise<T> {
    try {
      const resource = await open();
      this.opened.push(resource);
      return resource;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Close every resource, last opened first; one failing to close does not stop the others. */
  async close(): Promise<void> {
    while (this.opened.length > 0) {
      await Promise.allSettled([this.opened.pop()?.close()]);
    }
  }
}

/**
 * Mark a resource provided by a Nest factory so that Nest closes it when the application shuts down (Nest calls
 * `onApplicationShutdown` on provider values after every module's `onModuleDestroy`, so users stop first).
 */
export function closeOnShutdown<T extends Closable>(resource: T): T & { onApplicationShutdown(): Promise<void> } {
  return Object.assign(resource, { onApplicationShutdown: () => resource.close() });
}
