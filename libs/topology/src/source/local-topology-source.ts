import { TopologyView } from '../topology-view';
import type { Topology } from '../topology';
import { topologyVersion } from '../version';
import type { TopologyListener, TopologySource } from './topology-source';

/** A topology that never changes: the embedded mode's, or a test's. Its version is the topology's content hash. */
export class StaticTopologySource implements TopologySource {
  private readonly view: TopologyView;
  private readonly contentVersion: string;

  constructor(topology: Topology) {
    this.view = new TopologyView(topology);
    this.contentVersion = topologyVersion(topology);
  }

  /** The one view, built at construction. */
  current(): TopologyView {
    return this.view;
  }

  /** The content hash of the topology (the meta-server would serve the same topology under the same version). */
  version(): string {
    return this.contentVersion;
  }

  /** Never called: a static topology has no new versions. */
  onChange(_listener: TopologyListener): () => void {
    return () => undefined;
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}
