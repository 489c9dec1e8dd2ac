import { createHash, timingSafeEqual } from 'node:crypto';
import { MASKED_SECRET, type ClientApp, type TopologyView } from '@linker/topology';

interface KeyEntry {
  app: ClientApp;
  digest: Buffer;
}

const BEARER = /^Bearer +(\S+) *$/i;

function digestOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * Which app an `Authorization: Bearer <apiKey>` header names, against the current topology (`clientApps[].apiKey`).
 * The index (sha256 of each key → its app) is built once per topology version, when a request first sees that
 * version: a key rotated by a topology edit applies to the next request. A presented key is hashed, looked up in O(1),
 * then its digest compared with the stored one in constant time (`timingSafeEqual`), so neither the lookup nor the
 * compare runs on the key's bytes. An app without a key, or whose key is masked (`***`, a copy read without the
 * internal token), has no entry: nothing matches it.
 */
export class ApiKeys {
  private view: TopologyView | undefined;
  private byDigest = new Map<string, KeyEntry>();

  constructor(private readonly topology: () => TopologyView) {}

  /** The app whose key the header carries; undefined for a missing header, another scheme, or a key that is no app's. */
  appOf(authorization: string | undefined): { app: ClientApp; view: TopologyView } | undefined {
    const view = this.current();
    const key = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (key === undefined) return undefined;
    const digest = digestOf(key);
    const entry = this.byDigest.get(digest.toString('base64'));
    if (entry === undefined || !timingSafeEqual(entry.digest, digest)) return undefined;
    return { app: entry.app, view };
  }

  private current(): TopologyView {
    const view = this.topology();
    if (view !== this.view) {
      this.view = view;
      this.byDigest = new Map();
      for (const app of view.topology.clientApps) {
        if (app.apiKey === undefined || app.apiKey === MASKED_SECRET) continue;
        const digest = digestOf(app.apiKey);
        this.byDigest.set(digest.toString('base64'), { app, digest });
      }
    }
    return view;
  }
}
