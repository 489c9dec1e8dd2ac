import { LinkerError } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { parseTopology, readTopologyFile, TopologyError, validateTopology, type Topology, type TopologyProblem } from '@linker/topology';
import type { TopologyHistory } from './topology-history';
import type { MetaServerErrorCode } from '../errors';

/** Where the meta-server's first topology comes from: a YAML file, or a topology its caller already has. */
export type TopologyInput = { file: string } | { topology: Topology };

/**
 * Load, validate and report the topology to start with. Throws `TopologyError` listing every problem with its path
 * (and line, for a file) when any is an error. Logs each warning, and each app that accepts users without auth.
 */
export async function loadTopology(input: TopologyInput, logger: Logger): Promise<Topology> {
  if ('file' in input) {
    const { path, topology, warnings } = await readTopologyFile(input.file);
    return accept(topology, warnings, path, logger);
  }
  const { topology, problems } = validateTopology(input.topology);
  if (!topology) throw new TopologyError('the given topology is invalid', problems);
  return accept(topology, problems, 'the given topology', logger);
}

/**
 * The newest version recorded in `history`, checked like a file, or undefined when nothing is recorded yet. With a
 * MongoDB history the current version is the newest entry (ADR 0010). Throws `TopologyError` when it is invalid.
 */
export async function loadNewestRecorded(history: TopologyHistory, logger: Logger): Promise<Topology | undefined> {
  const [newest] = await history.list();
  if (newest === undefined) return undefined;
  const source = `version ${newest.version} of the topology history`;
  const yaml = await history.yaml(newest.version);
  if (yaml === undefined) throw new LinkerError<MetaServerErrorCode>('TOPOLOGY_HISTORY_INCOMPLETE', `${source} has no YAML`);
  const { topology, problems } = parseTopology(yaml);
  if (!topology) throw new TopologyError(`${source} is invalid`, problems);
  return accept(topology, problems, source, logger);
}

function accept(topology: Topology, warnings: readonly TopologyProblem[], source: string, logger: Logger): Topology {
  for (const problem of warnings) {
    logger.warn('topology warning', { path: problem.path, line: problem.line, problem: problem.message, source });
  }
  for (const app of topology.clientApps.filter((a) => a.authEnabled === false)) {
    logger.warn('client app accepts every user without authentication (authEnabled: false): development only', { appName: app.appName });
  }
  return topology;
}
