import { setting } from '@linker/config';

/** How a connector or a processor follows the topology in real mode; part of both apps' config. */
export const topologySourceSettings = {
  internalToken: setting({
    env: 'LINKER_INTERNAL_TOKEN',
    kind: 'string',
    optional: true,
    secret: true,
    // The README table shows one row per variable, with this text: it covers the meta-server too.
    doc: "Shared secret of the meta-server's internal topology read (`GET /internal/topology`, secrets unmasked, `Authorization: Bearer <token>`). Meta-server: unset → that endpoint answers 404. Processor and connector: set → they read it and keep the apps' `jwtSecret`, `apiKey` and `authUrlSecret`; unset → they read the masked `/topology`, so apps authenticated by `jwtSecret` refuse logins and subscription tokens, `authUrl` requests go unsigned, and the server API answers 401 to every key. Never logged.",
  }),
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
