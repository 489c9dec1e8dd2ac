import type { RefreshTokenReplyData } from '@linker/contracts';
import type { LinkerClientError } from './errors';

/** REFRESH_TOKEN frames waiting for their REFRESH_TOKEN_REPLY, by reference (docs/protocol.md, Token expiry). */
export class RefreshQueue {
  private readonly waiting = new Map<string, { resolve(reply: RefreshTokenReplyData): void; reject(error: LinkerClientError): void }>();

  /** A REFRESH_TOKEN with `reference` was sent: resolves with the server's answer to it. */
  start(reference: string): Promise<RefreshTokenReplyData> {
    return new Promise((resolve, reject) => this.waiting.set(reference, { resolve, reject }));
  }

  /** The answer to `reference` came; false when nothing waited for it. */
  answered(reference: string | undefined, reply: RefreshTokenReplyData): boolean {
    const waiting = reference === undefined ? undefined : this.waiting.get(reference);
    if (!waiting || reference === undefined) return false;
    this.waiting.delete(reference);
    waiting.resolve(reply);
    return true;
  }

  /** The connection is gone: no answer will come. */
  rejectAll(error: LinkerClientError): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}
