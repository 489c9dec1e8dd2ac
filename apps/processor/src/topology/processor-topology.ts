import { untilReachable } from '@linker/lifecycle';
import type { Logger } from '@linker/observability';
import { followMetaServer, formatProblems, LocalTopologySource, readTopologyFile, type TopologySource } from '@linker/topology';
import type { ProcessorConfig } from '../config/processor.config';

/**
 * The processor's topology in real mode: `LINKER_META_SERVER_URL` set → the meta-server's (waited for at start-up),
 * refreshed (with
 * `LINKER_INTERNAL_TOKEN`, from its internal read, secrets included; without, masked: `jwtSecret` apps fail closed); otherwise the
 * YAML file `LINKER_TOPOLOGY_FILE`, read and validated once at start-up (an unreadable or invalid file refuses to
 * start, listing every problem).
 */
export async function openProcessorTopology(
  config: Pick<ProcessorConfig, 'domain' | 'name' | 'topologyFile' | 'metaServerUrl' | 'topologyCacheFile' | 'internalToken' | 'startupTimeoutMs'>,
  logger: Logger,
): Promise<TopologySource> {
  const { domain, name, metaServerUrl, topologyCacheFile, internalToken: token } = config;
  if (metaServerUrl) {
    const follow = () => followMetaServer({ metaServerUrl, topologyCacheFile, domain, name, token, logger });
    return untilReachable('the meta-server', follow, { logger, timeoutMs: config.startupTimeoutMs });
  }
  const { path, topology, warnings } = await readTopologyFile(config.topologyFile);
  if (warnings.length > 0) logger.warn('topology file has warnings', { file: path, problems: formatProblems(warnings) });
  logger.info('topology loaded', { file: path, apps: topology.clientApps.length, domains: topology.domains.length });
  return new LocalTopologySource(topology);
}
