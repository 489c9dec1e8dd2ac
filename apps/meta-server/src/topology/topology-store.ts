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
}

/** The meta-server's current topology version, in memory. */
export class TopologyStore {
  private revision: TopologyRevision;

  constructor(topology: Topology) {
    this.revision = revisionOf(topology);
  }

  /** The current version. */
  current(): TopologyRevision {
    return this.revision;
  }

  /** Make `topology` (already validated) the current version; returns it. */
  replace(topology: Topology): TopologyRevision {
    this.revision = revisionOf(topology);
    return this.revision;
  }
}

function revisionOf(topology: Topology): TopologyRevision {
  const masked = maskSecrets(topology);
  const version = topologyVersion(topology);
  const header = `# linker-ts topology, version ${version}. Secrets are write-only: they are shown as ***.\n`;
  return { version, topology, masked, yaml: header + stringify(masked), json: JSON.stringify(masked), internalJson: JSON.stringify(topology) };
}
