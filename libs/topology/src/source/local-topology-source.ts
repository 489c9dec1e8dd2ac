import { silentLogger, type Logger } from '@linker/observability';
import { TopologyView } from '../topology-view';
import type { Topology } from '../topology';
import { topologyVersion } from '../version';
import { TopologyListeners } from './topology-listeners';
import type { TopologyListener, TopologySource } from './topology-source';

/**
 * A topology held in this process: read from a file at start, or given by a test; in the embedded mode, replaced by
 * the edits its own meta-server saves (`replace`). Its version is the topology's content hash.
 */
export class LocalTopologySource implements TopologySource {
  private view: TopologyView;
  private contentVersion: string;
  private readonly listeners: TopologyListeners;

  constructor(topology: Topology, logger: Logger = silentLogger) {
    this.view = new TopologyView(topology);
    this.contentVersion = topologyVersion(topology);
    this.listeners = new TopologyListeners(logger.child({ component: 'topology-source' }));
  }

  current(): TopologyView {
    return this.view;
  }

  /** The content hash of the topology (the meta-server would serve the same topology under the same version). */
  version(): string {
    return this.contentVersion;
  }

  onChange(listener: TopologyListener): () => void {
    return this.listeners.add(listener);
  }

  /**
   * Make `topology` (already validated) the current version and tell the listeners. `version` is the one the
   * meta-server gave it (which also changes when only a secret changed); default: its content hash.
   */
  replace(topology: Topology, version: string = topologyVersion(topology)): void {
    this.view = new TopologyView(topology);
    this.contentVersion = version;
    this.listeners.notify(this.view, version);
  }

  /** Nothing to release; `current()` keeps answering. */
  async close(): Promise<void> {}
}
