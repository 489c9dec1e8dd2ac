import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errorMessage, LinkerError } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { MAX_TOPOLOGY_BYTES, parseTopology, TopologyError, validateTopology, type Topology, type TopologyResult } from '@linker/topology';

/** Where the meta-server's first topology comes from: a YAML file, or a topology its caller already has. */
export type TopologyInput = { file: string } | { topology: Topology };

/**
 * Load, validate and report the topology to start with. Throws `TopologyError` listing every problem with its path
 * (and line, for a file) when any is an error. Logs each warning, and each app that accepts users without auth.
 */
export async function loadTopology(input: TopologyInput, logger: Logger): Promise<Topology> {
  const source = 'file' in input ? resolve(input.file) : 'the given topology';
  const result = 'file' in input ? parseTopology(await readTopologyFile(source)) : validateTopology(input.topology);
  return accept(result, source, logger);
}

async function readTopologyFile(path: string): Promise<string> {
  try {
    const { size } = await stat(path);
    if (size > MAX_TOPOLOGY_BYTES) throw new Error(`it is ${size} bytes; the limit is ${MAX_TOPOLOGY_BYTES} (1 MiB)`);
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new LinkerError('TOPOLOGY_FILE_UNREADABLE', `cannot read the topology file ${path}: ${errorMessage(error)}`, { cause: error });
  }
}

function accept({ topology, problems }: TopologyResult, source: string, logger: Logger): Topology {
  if (!topology) throw new TopologyError(`the topology in ${source} is invalid`, problems);
  for (const problem of problems) {
    logger.warn('topology warning', { path: problem.path, line: problem.line, problem: problem.message, source });
  }
  for (const app of topology.clientApps.filter((a) => a.authEnabled === false)) {
    logger.warn('client app accepts every user without authentication (authEnabled: false): development only', { appName: app.appName });
  }
  return topology;
}
