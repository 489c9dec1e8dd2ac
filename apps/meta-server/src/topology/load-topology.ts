import type { Logger } from '@linker/observability';
import { readTopologyFile, TopologyError, validateTopology, type Topology, type TopologyProblem } from '@linker/topology';

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

function accept(topology: Topology, warnings: readonly TopologyProblem[], source: string, logger: Logger): Topology {
  for (const problem of warnings) {
    logger.warn('topology warning', { path: problem.path, line: problem.line, problem: problem.message, source });
  }
  for (const app of topology.clientApps.filter((a) => a.authEnabled === false)) {
    logger.warn('client app accepts every user without authentication (authEnabled: false): development only', { appName: app.appName });
  }
  return topology;
}
