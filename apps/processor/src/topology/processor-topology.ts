import { readFile } from 'node:fs/promises';
import { LinkerError } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import { formatProblems, MetaServerTopologySource, parseTopology, StaticTopologySource, type TopologySource } from '@linker/topology';
import { processorConfig, type ProcessorConfig } from '../config/processor.config';

/** How often the processor asks the meta-server for a new version (SPEC §6: picked up within 1 s). */
const REFRESH_MS = 500;

/**
 * The processor's topology in real mode: `LINKER_META_SERVER_URL` set → the meta-server's, refreshed; otherwise the
 * YAML file `LINKER_TOPOLOGY_FILE`, read and validated once at start-up. A missing file that is the default starts
 * with no client apps (every login refused), with a warning; a missing file that was asked for, or an invalid one,
 * refuses to start, listing every problem.
 */
export async function openProcessorTopology(config: Pick<ProcessorConfig, 'topologyFile' | 'metaServerUrl'>, logger: Logger): Promise<TopologySource> {
  if (config.metaServerUrl) return MetaServerTopologySource.connect({ url: config.metaServerUrl, refreshMs: REFRESH_MS, logger });
  const text = await readTopologyText(config.topologyFile);
  if (text === undefined) {
    if (config.topologyFile !== processorConfig.settings.topologyFile.default) {
      throw new LinkerError('INVALID_TOPOLOGY', `topology file ${config.topologyFile} does not exist`);
    }
    logger.warn('no topology file; starting with no client apps (every login is refused)', { file: config.topologyFile });
    return new StaticTopologySource({ domains: [], domainLinks: [], clientApps: [] });
  }
  const { topology, problems } = parseTopology(text);
  if (!topology) throw new LinkerError('INVALID_TOPOLOGY', `topology file ${config.topologyFile} is invalid:\n${formatProblems(problems)}`);
  if (problems.length > 0) logger.warn('topology file has warnings', { file: config.topologyFile, problems: formatProblems(problems) });
  logger.info('topology loaded', { file: config.topologyFile, apps: topology.clientApps.length, domains: topology.domains.length });
  return new StaticTopologySource(topology);
}

async function readTopologyText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LinkerError('INVALID_TOPOLOGY', `cannot read topology file ${path}`, { cause: error });
  }
}
