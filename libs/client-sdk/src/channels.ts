import { LinkerClientError } from './errors';

/** Where a subscription token comes from: the token itself, or a function asked for a fresh one at each (re)subscribe. */
export type TokenSource = string | (() => string | Promise<string>);

interface Waiting {
  resolve(): void;
  reject(error: LinkerClientError): void;
}

/**
 * The client's channels (docs/protocol.md, Channels): the ones it wants (with where their tokens come from), so that
 * a reconnect subscribes to them again, and the SUBSCRIBE/UNSUBSCRIBE requests waiting for their answer, by reference.
 */
export class ClientChannels {
  private readonly wanted = new Map<string, TokenSource | undefined>();
  /** Where each channel with a history was left: its epoch and the last offset received. */
  private readonly positions = new Map<string, { epoch: string; offset: number }>();
  private readonly waiting = new Map<string, Waiting>();

  /** The channels to subscribe to again after a reconnect, with their token sources. */
  entries(): IterableIterator<[string, TokenSource | undefined]> {
    return this.wanted.entries();
  }

  want(channel: string, token: TokenSource | undefined): void {
    this.wanted.set(channel, token);
  }

  forget(channel: string): void {
    this.wanted.delete(channel);
    this.positions.delete(channel);
  }

  /** The position to recover from, for a channel wanted and left with one. */
  positionOf(channel: string): { epoch: string; offset: number } | undefined {
    return this.positions.get(channel);
  }

  /** SUBSCRIBED said where the channel's history is (a channel that keeps one). */
  at(channel: string, epoch: string, offset: number): void {
    this.positions.set(channel, { epoch, offset });
  }

  /** A PUBLICATION with an offset arrived. */
  received(channel: string, offset: number): void {
    const position = this.positions.get(channel);
    if (position !== undefined && offset > position.offset) position.offset = offset;
  }

  /** A request sent with `reference`: settled by its answer, or its refusal. */
  wait(reference: string): Promise<void> {
    return new Promise<void>((resolve, reject) => this.waiting.set(reference, { resolve, reject }));
  }

  /** SUBSCRIBED or UNSUBSCRIBED with `reference` arrived. */
  answered(reference: string | undefined): void {
    if (reference === undefined) return;
    this.waiting.get(reference)?.resolve();
    this.waiting.delete(reference);
  }

  /** The request with `reference` was refused; false when none waits with it. */
  refused(reference: string, error: LinkerClientError): boolean {
    const waiting = this.waiting.get(reference);
    if (!waiting) return false;
    this.waiting.delete(reference);
    waiting.reject(error);
    return true;
  }

  /** The connection is gone: every request waiting fails (the channels wanted stay wanted). */
  rejectAll(error: LinkerClientError): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}

/** The token of `source` now (asked afresh when it is a function). */
export async function tokenOf(source: TokenSource | undefined): Promise<string | undefined> {
  return typeof source === 'function' ? source() : source;
}
