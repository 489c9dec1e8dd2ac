import { join } from 'node:path';
import type { Logger } from '@linker/observability';
import { MetaServerTopologySource } from './meta-server-topology-source';

/** How often to poll while the watch stream is down, and to try it again (docs/protocol.md, Hot reload: a new version within 1 s). */
const REFRESH_MS = 500;

export interface FollowOptions {
  metaServerUrl: string;
  /** Default: `.linker-data/topology-cache/<domain>-<name>.json`; false: none (no start while the meta-server is down). */
  topologyCacheFile?: string | false;
  domain: string;
  /** The process's name (a connector's or a processor's): two processes never share a cache file. */
  name: string;
  /** `LINKER_INTERNAL_TOKEN`: read the topology with its secrets (processors, connectors). */
  token?: string;
  logger: Logger;
}

/** A real-mode process's topology: the meta-server's, followed, starting from the cache file while it is down. */
export function followMetaServer(options: FollowOptions): Promise<MetaServerTopologySource> {
  const cacheFile =
    options.topologyCacheFile === false
      ? undefined
      : (options.topologyCacheFile ?? join('.linker-data', 'topology-cache', `${options.domain}-${options.name}.json`));
  const { metaServerUrl: url, token, logger } = options;
  return MetaServerTopologySource.connect({ url, cacheFile, refreshMs: REFRESH_MS, token, logger });
}
