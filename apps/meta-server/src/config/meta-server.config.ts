import { defineConfig, setting, type ConfigOf } from '@linker/config';
import { tlsSettings } from '@linker/lifecycle';
import { loggingSettings } from '@linker/observability';

/** The meta-server's settings. This folder is the meta-server's only reader of `process.env`. */
export const metaServerConfig = defineConfig({
  port: setting({ env: 'LINKER_META_PORT', kind: 'port', default: 9000, doc: 'HTTP port of the meta-server API.' }),
  host: setting({ env: 'LINKER_META_HOST', kind: 'string', default: '127.0.0.1', doc: 'Address the meta-server listens on.' }),
  topologyFile: setting({
    env: 'LINKER_TOPOLOGY_FILE',
    kind: 'string',
    default: 'topologies/single-domain.yaml',
    doc: 'The topology YAML the meta-server serves (relative to the current directory); an invalid file refuses to start.',
  }),
  mongodbUrl: setting({
    env: 'LINKER_META_MONGODB_URL',
    kind: 'url',
    optional: true,
    secret: true,
    doc: 'MongoDB URL of the topology history (real mode): versions are kept there and the newest is served at start (`LINKER_TOPOLOGY_FILE` is then only the first version, never written). Unset: history next to the file (`<file>.history/`). Never logged.',
  }),
  mongodbDatabase: setting({
    env: 'LINKER_META_MONGODB_DATABASE',
    kind: 'string',
    default: 'linker-meta',
    doc: 'MongoDB database of the topology history (with `LINKER_META_MONGODB_URL`).',
  }),
  internalToken: setting({
    env: 'LINKER_INTERNAL_TOKEN',
    kind: 'string',
    optional: true,
    secret: true,
    doc: 'Bearer token processors present to read the unmasked topology (`GET /internal/topology`); unset → that endpoint answers 404. Never logged.',
  }),
  adminToken: setting({
    env: 'LINKER_ADMIN_TOKEN',
    kind: 'string',
    optional: true,
    secret: true,
    doc: 'Bearer token every topology write needs (`PUT /topology`, `POST /topology/rollback/{version}`); unset → every write is refused (403). The web UI also sends it to the processors’ dead-letter routes (never to the browser). Never logged.',
  }),
  watchHeartbeatMs: setting({
    env: 'LINKER_META_WATCH_HEARTBEAT_MS',
    kind: 'integer',
    default: 15000,
    min: 100,
    max: 300000,
    doc: 'Period of the heartbeat comments on `GET /topology/watch` (Server-Sent Events), in milliseconds.',
  }),
  validateMsPerSecond: setting({
    env: 'LINKER_META_VALIDATE_MS_PER_SECOND',
    kind: 'integer',
    default: 100,
    min: 0,
    max: 1000,
    doc:
      'Validation time one client address may use on `POST /topology/validate` without the admin token, in ms per second ' +
      '(saved up to 10 s worth); beyond it: 429 with `Retry-After`. With the admin token there is no limit. 0 = no limit.',
  }),
  requestTimeoutMs: setting({
    env: 'LINKER_META_REQUEST_TIMEOUT_MS',
    kind: 'integer',
    default: 10_000,
    min: 100,
    doc:
      'A request not received whole (headers and body) this many ms after it began gets HTTP 408 and its connection is closed; ' +
      'so is a connection that sends nothing for that long. Watch streams (`GET /topology/watch`) are not cut by it.',
  }),
  maxConnections: setting({
    env: 'LINKER_META_MAX_CONNECTIONS',
    kind: 'integer',
    default: 1_000,
    min: 1,
    doc:
      'Most TCP connections the meta-server holds (requests, the watch streams of every process following it, the web UI’s); ' +
      'one more is closed as soon as it is accepted, so a flood of connections cannot use up the open files of the process.',
  }),
  uiPort: setting({
    env: 'LINKER_UI_PORT',
    kind: 'port',
    optional: true,
    doc:
      'Serve the web UI on this port too (address `LINKER_META_HOST`, ADR 0011): the built `ui/dist`, `/meta/…` proxied to this ' +
      'meta-server, `GET /api/links`, `GET /api/info`. `npm run start:real` sets 4400 (the original’s); unset: no UI.',
  }),
  uiProcessorHealthUrls: setting({
    env: 'LINKER_UI_PROCESSOR_HEALTH_URLS',
    kind: 'list',
    optional: true,
    doc:
      'The processors’ `GET /health` URLs (each served on its `LINKER_METRICS_PORT`), comma-separated, e.g. `http://127.0.0.1:9464/health`: ' +
      'the web UI’s graph shows the links they report up or down; a link none of them reports is shown as unknown.',
  }),
  uiConnectorUrls: setting({
    env: 'LINKER_UI_CONNECTOR_URLS',
    kind: 'list',
    optional: true,
    doc:
      'The connectors’ client-port URLs, comma-separated, e.g. `http://127.0.0.1:8089`: the web UI’s operations view reads their ' +
      '`GET /health` and passes its user lookup to their server API. Unset: each domain’s client endpoint in the topology (`domains[].urls[0]`).',
  }),
  ...tlsSettings,
  ...loggingSettings,
});

export type MetaServerConfig = ConfigOf<typeof metaServerConfig.settings>;
