import { untilReachable } from '@linker/lifecycle';
import type { Logger } from '@linker/observability';
import { formatProblems } from '../problems';
import { readTopologyFile } from '../topology-file';
import { followMetaServer, type FollowOptions } from './follow-meta-server';
import { LocalTopologySource } from './local-topology-source';
import type { TopologySource } from './topology-source';

export interface OpenTopologyOptions extends Omit<FollowOptions, 'metaServerUrl'> {
  /** The meta-server to follow (`LINKER_META_SERVER_URL`); unset: `topologyFile`. */
  metaServerUrl?: string;
  /** The YAML file read (and validated) once when no meta-server is followed; unset too: no topology. */
  topologyFile?: string;
  /** How long to wait for the meta-server at start-up. */
  startupTimeoutMs: number;
}

/**
 * Where a process gets the topology, the same way in every app and mode: from the meta-server at `metaServerUrl`,
 * followed (waited for at start-up, with a `waiting for the meta-server` line; from the cache file while it is down),
 * or from `topologyFile`, read once (an unreadable or invalid file refuses to start, listing every problem; warnings
 * are logged). Undefined when neither is given (a connector without a meta-server needs no topology).
 */
export function openTopologySource(options: OpenTopologyOptions & { topologyFile: string }): Promise<TopologySource>;
export function openTopologySource(options: OpenTopologyOptions): Promise<TopologySource | undefined>;
export async function openTopologySource(options: OpenTopologyOptions): Promise<TopologySource | undefined> {
  const { metaServerUrl, topologyFile, logger } = options;
  if (metaServerUrl) {
    const follow = () => followMetaServer({ ...options, metaServerUrl });
    return untilReachable('the meta-server', follow, { logger, timeoutMs: options.startupTimeoutMs });
  }
  if (topologyFile === undefined) return undefined;
  return readLocalTopology(topologyFile, logger);
}

/** The topology of a YAML file, held in this process (an embedded meta-server's edits replace it). */
export async function readLocalTopology(file: string, logger: Logger): Promise<LocalTopologySource> {
  const { path, topology, warnings } = await readTopologyFile(file);
  if (warnings.length > 0) logger.warn('topology file has warnings', { file: path, problems: formatProblems(warnings) });
  logger.info('topology loaded', { file: path, apps: topology.clientApps.length, domains: topology.domains.length });
  return new LocalTopologySource(topology, logger);
}
