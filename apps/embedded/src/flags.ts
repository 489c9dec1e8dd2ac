import { parseArgs } from 'node:util';
import { LinkerError } from '@linker/kernel';
import type { LogFormat } from '@linker/observability';
import type { ClientPortSettings } from '../../connector/src';
import type { LinkTlsSettings, WebhookSettings } from '../../processor/src';
import type { EmbeddedErrorCode } from './errors';

/** What `npm start -- …` asks for. Ports default to the original's (docs/protocol.md, Ports); 0 picks a free port. */
export interface EmbeddedOptions {
  topologyFile: string;
  /** The domain to run; default: the topology's only domain, or `domain-01`. */
  domain?: string;
  /** Client WebSocket port; default: the port of the domain's client endpoint in the topology, else 8089. */
  wsPort?: number;
  /** Link endpoint port (federation); default: the port of the domain's link endpoint in the topology. */
  linkPort?: number;
  metaPort: number;
  uiPort: number;
  /** Serve `GET /metrics` (every app of the domain: one registry), `GET /health`, `/health/live` and `/health/ready` on this port; default: not served. */
  metricsPort?: number;
  /** Each server can be turned off. */
  metaServer: boolean;
  ui: boolean;
  /** Follow this meta-server's topology instead of reading `topologyFile` (another domain of the federation serves it). */
  followMetaServer?: string;
  /** The secret shared with the neighbour domains (from `LINKER_LINK_SECRET`, never a flag: flags show in `ps`). */
  linkSecret?: string;
  /** The token every topology edit through this process's meta-server needs (`LINKER_ADMIN_TOKEN`); none: edits refused. */
  adminToken?: string;
  /** With `followMetaServer`: the meta-server's internal token (`LINKER_INTERNAL_TOKEN`), to read app secrets. */
  internalToken?: string;
  /** Where the embedded mailbox keeps its files. */
  dataDir?: string;
  /** The client port's origins, limits and deadlines (the connector's variables, read from the environment); default: theirs. */
  clientPort?: ClientPortSettings;
  /** The links' TLS and whether cleartext links are allowed (the processor's variables, read from the environment; cleartext allowed unless set to false). */
  linkTls?: LinkTlsSettings;
  /** How the apps' webhooks are sent (the processor's variables, read from the environment); default: theirs. */
  webhooks?: WebhookSettings;
  host: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  logFormat: LogFormat;
}

export const USAGE = `Usage: npm start -- [options]
  --topology FILE     topology YAML (default topologies/single-domain.yaml)
  --domain NAME       the domain to run (default: the topology's only domain)
  --ws-port N         client WebSocket port (default: the domain's client endpoint in the topology, else 8089;
                      0 = any free port)
  --link-port N       link endpoint port for the neighbour domains (default: the domain's link endpoint)
  --metrics-port N    serve GET /metrics (Prometheus: connector, processor, links, meta-server) and GET /health/ready on this port
  --meta-server URL   follow this meta-server's topology (another domain serves it); implies --no-meta-server
                      and --no-ui unless --meta-port / --ui-port are given
  --meta-port N       meta-server port (default 9000)
  --ui-port N         web UI port (default 4400)
  --no-meta-server    do not serve the meta-server API
  --no-ui             do not serve the web UI
  --data-dir DIR      mailbox files (default .linker-data/<domain>)
  --host ADDR         listen address (default 127.0.0.1)
  --log-level LEVEL   debug, info, warn, error or silent (default info)
  --log-format F      auto (one readable line an event on a terminal, else JSON lines), json or pretty (default auto)
  --help              this text
Environment: LINKER_LINK_SECRET, the secret this domain shares with its neighbours (links are off without it);
LINKER_INTERNAL_TOKEN, read with --meta-server to get app secrets (jwtSecret) from the meta-server;
LINKER_ADMIN_TOKEN, the token topology edits (PUT /topology, rollback, the web UI's editor) need; unset: edits refused;
LINKER_TLS_CERT_FILE and LINKER_TLS_KEY_FILE, to serve wss:// and https:// (client port, meta-server, web UI);
LINKER_LINK_TLS_CERT_FILE, LINKER_LINK_TLS_KEY_FILE, LINKER_LINK_TLS_CA_FILE, for wss:// links (ws:// links are allowed
here, with a warning, unless LINKER_LINKS_ALLOW_CLEARTEXT=false);
the client port's settings, as for a connector: LINKER_ALLOWED_ORIGINS, LINKER_MAX_CONNECTIONS, LINKER_AUTH_TIMEOUT_MS,
… (the README's configuration table, rows naming embedded).`;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
const LOG_FORMATS: readonly string[] = ['auto', 'json', 'pretty'] satisfies LogFormat[];

/** Parse and check the command line; every problem is listed at once in one `INVALID_FLAGS` error. */
export function parseFlags(argv: readonly string[]): EmbeddedOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        topology: { type: 'string' },
        domain: { type: 'string' },
        'ws-port': { type: 'string' },
        'meta-port': { type: 'string' },
        'link-port': { type: 'string' },
        'meta-server': { type: 'string' },
        'metrics-port': { type: 'string' },
        'ui-port': { type: 'string' },
        'no-meta-server': { type: 'boolean' },
        'no-ui': { type: 'boolean' },
        'data-dir': { type: 'string' },
        host: { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new LinkerError<EmbeddedErrorCode>('INVALID_FLAGS', `${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) return 'help';
  const problems: string[] = [];
  const port = <T extends number | undefined>(name: string, fallback: T): number | T => {
    const raw = values[name] as string | undefined;
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n > 65535) problems.push(`--${name} must be a port number (0-65535), got ${JSON.stringify(raw)}`);
    return n;
  };
  const logLevel = (values['log-level'] as string | undefined) ?? 'info';
  const logFormat = (values['log-format'] as string | undefined) ?? 'auto';
  const follow = values['meta-server'] as string | undefined;
  if (follow !== undefined && !/^https?:\/\/[^/]+/.test(follow))
    problems.push(`--meta-server must be an http(s) URL, got ${JSON.stringify(follow)}`);
  // A follower serves the meta-server API and the UI only when asked for a port: the leader has the default ones.
  const serves = (off: string, portFlag: string): boolean => !values[off] && (follow === undefined || values[portFlag] !== undefined);
  const options: EmbeddedOptions = {
    topologyFile: (values.topology as string | undefined) ?? 'topologies/single-domain.yaml',
    domain: values.domain as string | undefined,
    wsPort: port('ws-port', undefined),
    linkPort: port('link-port', undefined),
    metricsPort: port('metrics-port', undefined),
    metaPort: port('meta-port', 9000),
    uiPort: port('ui-port', 4400),
    metaServer: serves('no-meta-server', 'meta-port'),
    ui: serves('no-ui', 'ui-port'),
    followMetaServer: follow,
    dataDir: values['data-dir'] as string | undefined,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    logLevel: logLevel as EmbeddedOptions['logLevel'],
    logFormat: logFormat as LogFormat,
  };
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    problems.push(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  if (!LOG_FORMATS.includes(logFormat))
    problems.push(`--log-format must be one of ${LOG_FORMATS.join(', ')}, got ${JSON.stringify(logFormat)}`);
  if (problems.length > 0) throw new LinkerError<EmbeddedErrorCode>('INVALID_FLAGS', `${problems.join('\n')}\n${USAGE}`);
  return options;
}
