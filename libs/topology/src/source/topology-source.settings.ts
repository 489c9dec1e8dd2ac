import { setting } from '@linker/config';

/** How a connector or a processor follows the topology in real mode; part of both apps' config. */
export const topologySourceSettings = {
  metaServerUrl: setting({
    env: 'LINKER_META_SERVER_URL',
    kind: 'url',
    optional: true,
    doc: 'Meta-server the topology is read from and followed (`GET /topology/watch`; a new version applies within a second). Processor unset: `LINKER_TOPOLOGY_FILE`, read once. Connector unset: it does not follow the topology (users whose home moved away are not closed).',
  }),
  topologyCacheFile: setting({
    env: 'LINKER_TOPOLOGY_CACHE_FILE',
    kind: 'string',
    optional: true,
    doc: 'Where the last topology read from the meta-server is kept (secrets masked), to start from while the meta-server is down. Default: `.linker-data/topology-cache/<domain>-<process name>.json`.',
  }),
};
