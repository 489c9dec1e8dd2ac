import type { Envelope } from '@linker/contracts';
import type { RouteLookup } from '@linker/routing';
import type { TopologyView } from '@linker/topology';
import type { Effects } from '../dispatch/effects';
import type { PresenceCache } from '../sockets/presence-cache';

/** What one handler attempt sees: a topology snapshot, presence for the batch, and the effects it adds to. */
export interface HandlerContext {
  readonly view: TopologyView;
  /** Routes to other domains (federation, ADR 0009); with no links, only this domain's own users are reachable. */
  readonly routes: RouteLookup;
  readonly presence: PresenceCache;
  readonly effects: Effects;
  /** The batch's time, epoch ms. */
  readonly now: number;
}

/**
 * Handles one intake envelope type. A handler decides and adds effects; it does not publish or store itself (except
 * the fetch handler, which writes inside its per-user lock, and the AUTH_CLIENT handler, which hands a login its app's
 * webhook decides to `WebhookLogins`, where the answer is written once the webhook answered). Throwing a
 * non-retriable `LinkerError` dead-letters the envelope at once; any other error is retried, then dead-lettered. An
 * attempt's effects count only if it resolves.
 */
export interface Handler {
  /** Users whose presence the handler will read, so the batch reads everyone's in one `lookupMany`. */
  users?(envelope: Envelope, view: TopologyView): readonly string[];
  handle(envelope: Envelope, context: HandlerContext): Promise<void>;
}
