import { stringify } from 'yaml';
import { maskSecrets, topologyVersion, type Topology } from '@linker/topology';

/** One version of the topology, with its served forms rendered once (secrets masked in every one of them). */
export interface TopologyRevision {
  version: string;
  /** The full topology, secrets included: for this process only, never served. */
  topology: Topology;
  /** The copy every answer is made from. */
  masked: Topology;
  yaml: string;
  json: string;
  /** JSON of the full topology, secrets included: only for `GET /internal/topology` (token-gated). */
  internalJson: string;
  /** When it became current here (ISO 8601). */
  since: string;
}

/** The meta-server's current topology version, in memory. */
export class TopologyStore {
  private revision: TopologyRevision;
  private readonly listeners = new Set<(revision: TopologyRevision) => void>();

  constructor(topology: Topology) {
    this.revision = revisionOf(topology);
  }

  /** The current version. */
  current(): TopologyRevision {
    return this.revision;
  }

  /** Make `topology` (already validated) the current version; returns it. Listeners hear of a new version. */
  replace(topology: Topology): TopologyRevision {
    const previous = this.revision.version;
    this.revision = revisionOf(topology);
    if (this.revision.version !== previous) for (const listener of [...this.listeners]) listener(this.revision);
    return this.revision;
  }

  /** The version `topology` would have. */
  versionOf(topology: Topology): string {
    return topologyVersion(topology);
  }

  /** Call `listener` with each new current version; returns the unsubscribe function. */
  subscribe(listener: (revision: TopologyRevision) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

function revisionOf(topology: Topology): TopologyRevision {
  const masked = maskSecrets(topology);
  const version = topologyVersion(topology);
  const header = `# linker-ts topology, version ${version}. Secrets are write-only: they are shown as ***.\n`;
  return { version, topology, masked, yaml: header + stringify(masked), json: JSON.stringify(masked), internalJson: JSON.stringify(topology), since: new Date().toISOString() };
}
