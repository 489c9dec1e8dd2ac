import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errorMessage, LinkerError } from '@linker/kernel';
import { MAX_TOPOLOGY_BYTES } from './limits';
import { parseTopology } from './parse-topology';
import { TopologyError, type TopologyProblem, type TopologyErrorCode } from './problems';
import type { Topology } from './topology';

/** A topology read from a file, with the warnings it has (it has no errors). */
export interface TopologyFile {
  /** The absolute path it was read from. */
  path: string;
  topology: Topology;
  warnings: TopologyProblem[];
}

/**
 * Read, parse and validate a topology YAML file. Throws `TOPOLOGY_FILE_UNREADABLE` when the file cannot be read (or is
 * over 1 MiB), and a `TopologyError` listing every problem with its path and line when it has any error.
 */
export async function readTopologyFile(file: string): Promise<TopologyFile> {
  const path = resolve(file);
  let text: string;
  try {
    const { size } = await stat(path);
    if (size > MAX_TOPOLOGY_BYTES) throw new Error(`it is ${size} bytes; the limit is ${MAX_TOPOLOGY_BYTES} (1 MiB)`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new LinkerError<TopologyErrorCode>('TOPOLOGY_FILE_UNREADABLE', `cannot read the topology file ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const { topology, problems } = parseTopology(text);
  if (!topology) throw new TopologyError(`the topology in ${path} is invalid`, problems);
  return { path, topology, warnings: problems };
}
