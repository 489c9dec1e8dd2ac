import { parseArgs } from 'node:util';
import { LinkerError } from '@linker/kernel';

/** What `npm start -- …` asks for. Ports default to the original's (SPEC §7); 0 picks a free port. */
export interface EmbeddedOptions {
  topologyFile: string;
  /** The domain to run; default: the topology's only domain, or `domain-01`. */
  domain?: string;
  wsPort: number;
  metaPort: number;
  uiPort: number;
  /** Each server can be turned off. */
  metaServer: boolean;
  ui: boolean;
  /** Where the embedded mailbox keeps its files. */
  dataDir?: string;
  host: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

export const USAGE = `Usage: npm start -- [options]
  --topology FILE     topology YAML (default topologies/single-domain.yaml)
  --domain NAME       the domain to run (default: the topology's only domain)
  --ws-port N         client WebSocket port (default 8089; 0 = any free port)
  --meta-port N       meta-server port (default 9000)
  --ui-port N         web UI port (default 4400)
  --no-meta-server    do not serve the meta-server API
  --no-ui             do not serve the web UI
  --data-dir DIR      mailbox files (default .linker-data/<domain>)
  --host ADDR         listen address (default 127.0.0.1)
  --log-level LEVEL   debug, info, warn, error or silent (default info)
  --help              this text`;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** Parse and check the command line; every problem is listed at once in one `INVALID_FLAGS` error. */
export function parseFlags(argv: readonly string[]): EmbeddedOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        topology: { type: 'string' }, domain: { type: 'string' }, 'ws-port': { type: 'string' }, 'meta-port': { type: 'string' },
        'ui-port': { type: 'string' }, 'no-meta-server': { type: 'boolean' }, 'no-ui': { type: 'boolean' },
        'data-dir': { type: 'string' }, host: { type: 'string' }, 'log-level': { type: 'string' }, help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new LinkerError('INVALID_FLAGS', `${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) return 'help';
  const problems: string[] = [];
  const port = (name: string, fallback: number): number => {
    const raw = values[name] as string | undefined;
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n > 65535) problems.push(`--${name} must be a port number (0-65535), got ${JSON.stringify(raw)}`);
    return n;
  };
  const logLevel = (values['log-level'] as string | undefined) ?? 'info';
  const options: EmbeddedOptions = {
    topologyFile: (values.topology as string | undefined) ?? 'topologies/single-domain.yaml',
    domain: values.domain as string | undefined,
    wsPort: port('ws-port', 8089),
    metaPort: port('meta-port', 9000),
    uiPort: port('ui-port', 4400),
    metaServer: !values['no-meta-server'],
    ui: !values['no-ui'],
    dataDir: values['data-dir'] as string | undefined,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    logLevel: logLevel as EmbeddedOptions['logLevel'],
  };
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  if (problems.length > 0) throw new LinkerError('INVALID_FLAGS', `${problems.join('\n')}\n${USAGE}`);
  return options;
}
