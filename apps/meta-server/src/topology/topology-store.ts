import { createHmac, randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { canonicalJson, maskSecrets, topologyVersion, type Topology } from '@linker/topology';

/** One version of the topology, with its served forms rendered once (secrets masked in every one of them). */
export interface TopologyRevision {
  /** The public version (`ETag`): a hash of the masked copy, so it does not change when only a secret does. */
  version: string;
  /**
   * Changes whenever anything changes, secrets included: the `ETag` of `GET /internal/topology`, and what
   * `GET /topology/watch` announces, so a rotated secret reaches the processors (ADR 0010). A keyed hash (HMAC with a
   * key this process draws at start and never reveals): it cannot be used to test guesses of a secret.
   */
  internalVersion: string;
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
  private readonly key = randomBytes(32);

  constructor(topology: Topology) {
    this.revision = this.revisionOf(topology);
  }

  /** The current version. */
  current(): TopologyRevision {
    return this.revision;
  }

  /** Make `topology` (already validated) the current version; returns it. Listeners hear of any change, secrets too. */
  replace(topology: Topology): TopologyRevision {
    const previous = this.revision.internalVersion;
    this.revision = this.revisionOf(topology);
    if (this.revision.internalVersion !== previous) for (const listener of [...this.listeners]) listener(this.revision);
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

  private revisionOf(topology: Topology): TopologyRevision {
    const masked = maskSecrets(topology);
    const version = topologyVersion(topology);
    const internalVersion = `${version}.${createHmac('sha256', this.key).update(canonicalJson(topology)).digest('hex').slice(0, 8)}`;
    const header = `# linker-ts topology, version ${version}. Secrets are write-only: they are shown as ***.\n`;
    const [yaml, json, internalJson] = [header + stringify(masked), JSON.stringify(masked), JSON.stringify(topology)];
    return { version, internalVersion, topology, masked, yaml, json, internalJson, since: new Date().toISOString() };
  }
}
