import type { TopologyView } from '../topology-view';

/** Called with each new version of the topology, after `current()` already returns it. */
export type TopologyListener = (view: TopologyView, version: string) => void;

/**
 * Where processors and connectors get the topology from. `current()` is a plain field read (hot path: call it per
 * message, never cache the view); a new version replaces the view as a whole, so a caller never sees half of one.
 */
export interface TopologySource {
  /** The newest good version, indexed for lookups. */
  current(): TopologyView;
  /** The version `current()` is (the meta-server's ETag value, without quotes). */
  version(): string;
  /** Subscribe to new versions; returns the unsubscribe function. A listener that throws does not stop the others. */
  onChange(listener: TopologyListener): () => void;
  /** Stop watching; `current()` keeps answering with the last version. */
  close(): Promise<void>;
}
