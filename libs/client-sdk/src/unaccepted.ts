import { LinkerClientError } from './errors';

/**
 * The messages sent with an `id` that the server has neither accepted (`ACCEPTED`) nor refused yet, in send order:
 * what a reconnect sends again. Holds at most `max`; a send beyond that is refused, so the application feels the
 * back-pressure instead of the client growing without bound.
 */
export class Unaccepted {
  private readonly frames = new Map<string, string>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.frames.size;
  }

  /** Keep the frame `text` sent with `id`; throws `TOO_MANY_UNACCEPTED` when `max` frames wait already. */
  add(id: string, text: string): void {
    if (this.frames.size >= this.max && !this.frames.has(id)) {
      throw new LinkerClientError('TOO_MANY_UNACCEPTED', `${this.frames.size} messages wait for the server to accept them (maxUnaccepted)`);
    }
    this.frames.set(id, text);
  }

  /** The server answered `id` (accepted or refused): it is not sent again. False when it was not kept. */
  settle(id: string): boolean {
    return this.frames.delete(id);
  }

  /** The frames to send again, oldest first. */
  texts(): string[] {
    return [...this.frames.values()];
  }
}
