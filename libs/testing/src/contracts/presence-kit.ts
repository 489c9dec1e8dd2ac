import type { SocketAddress } from '@linker/contracts';
import type { Presence } from '@linker/presence';

/** What the presence contract suites share: the options they open clients with, and how they name sockets. */

/** Adapter options the presence suite sets (both adapters take them); an adapter's default for any left out. */
export interface PresenceClientOptions {
  /** How long after its sweep an ended connector becomes claimable. */
  endedGraceMs?: number;
}

/** A new client of the current test's store (closed by the suite). */
export type OpenClient = (options?: PresenceClientOptions) => Promise<Presence>;

/** The domain every address of the presence suites is in. */
const DOMAIN = 'domain-01';

/** Socket `socketId` of connector `connector`. */
export function at(connector: string, socketId: string): SocketAddress {
  return { domain: DOMAIN, connector, socketId };
}

/** Addresses as sorted `connector/socketId` strings, so that order never matters. */
export function ids(addresses: readonly SocketAddress[] | undefined): string[] {
  return (addresses ?? []).map((a) => `${a.connector}/${a.socketId}`).sort();
}
