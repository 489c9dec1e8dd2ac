import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { TopologyView } from '../topology-view';
import type { TopologyListener } from './topology-source';

/** The subscribers of a topology source: each is told of a new version; one that throws does not stop the others. */
export class TopologyListeners {
  private readonly listeners = new Set<TopologyListener>();

  constructor(private readonly logger: Logger) {}

  add(listener: TopologyListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  notify(view: TopologyView, version: string): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(view, version);
      } catch (error) {
        this.logger.error('a topology listener failed', { reason: errorMessage(error), version });
      }
    }
  }
}
