import { parseArgs } from 'node:util';

/** What `npm run bench -- …` asks for. */
export interface BenchOptions {
  /** Scenario names (or group names); empty = the default set. */
  scenarios: string[];
  /** Measured seconds per rate step. */
  durationS: number;
  /** Seconds of warm-up before each step's measured window (sent, counted for loss, not for latency). */
  warmupS: number;
  /** Rate steps for every load scenario; undefined = each scenario's own. */
  rates: number[] | undefined;
  /** Connections of a load scenario (at least; more when the per-socket rate would exceed `socketRate`). */
  connections: number;
  /** Highest rate one socket is asked to send, msg/s (the connector's rate limit is 50 frames/s per socket). */
  socketRate: number;
  client: 'sdk' | 'raw';
  /** Load scenarios' linker-ts connections log in in ack mode (the SDK acknowledges each message). */
  ack: boolean;
  idleCount: number;
  mailboxCount: number;
  /** `count` of each FETCH_MISSING_MESSAGES_REQUEST (the server caps it at 2,000). */
  fetchBatch: number;
  payloadBytes: number;
  outDir: string;
  /** The build the server processes run from. */
  distDir: string;
  /** Run the server processes with `--cpu-prof` and summarize the profiles (profiles.md). */
  cpuProf: boolean;
  /** Search each load scenario's max sustainable rate after its fixed rate steps. */
  maxRate: boolean;
  /** Measured seconds of each step of that search. */
  maxRateDurationS: number;
  /** The highest rate the search offers (connections are opened for it). */
  maxRateCeiling: number;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]
  --scenario NAME      a scenario or group to run (repeatable, or comma-separated; default: all but baseline)
  --duration S         measured seconds per rate step (default 10)
  --warmup S           warm-up seconds before each step, not measured (default 2)
  --rates A,B,C        rate steps in msg/s for every load scenario (default: each scenario's own)
  --connections N      connections of a load scenario, at least (default 100)
  --socket-rate R      most msg/s one socket sends; more connections are opened if needed (default 40)
  --client sdk|raw     the client SDK (default) or a bare ws socket
  --ack                load scenarios log in in ack mode (with the client SDK; the SDK's default for applications)
  --idle-count N       idle authenticated connections (default 10000)
  --mailbox-count N    messages stored then fetched (default 10000)
  --fetch-batch N      count of each FETCH request of mailbox-fetch (default 2000, the server's cap)
  --payload BYTES      message content size (default 1024)
  --out DIR            where results/<timestamp>/ go (default bench/results)
  --dist DIR           the build to run the apps from (default dist)
  --cpu-prof           profile the server processes (node --cpu-prof); summary in profiles.md
  --max-rate           also search each load scenario's max sustainable rate (p99 <= 50 ms, nothing lost)
  --max-rate-duration S  measured seconds of each step of that search (default 5)
  --max-rate-ceiling R   the highest rate the search offers, msg/s (default 64000)
  --help               this text`;

function positive(name: string, raw: string | undefined, fallback: number, problems: string[], allowZero = false): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    problems.push(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

function rates(raw: string | undefined, problems: string[]): number[] | undefined {
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((v) => !Number.isInteger(v) || v <= 0))
    problems.push(`--rates must be positive integers separated by commas, got ${JSON.stringify(raw)}`);
  return values;
}

/** Parse the command line; every problem is reported at once. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      scenario: { type: 'string', multiple: true },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rates: { type: 'string' },
      connections: { type: 'string' },
      'socket-rate': { type: 'string' },
      client: { type: 'string' },
      ack: { type: 'boolean' },
      'idle-count': { type: 'string' },
      'mailbox-count': { type: 'string' },
      'fetch-batch': { type: 'string' },
      payload: { type: 'string' },
      out: { type: 'string' },
      dist: { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      'max-rate': { type: 'boolean' },
      'max-rate-duration': { type: 'string' },
      'max-rate-ceiling': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const problems: string[] = [];
  const client = values.client ?? 'sdk';
  if (client !== 'sdk' && client !== 'raw') problems.push(`--client must be sdk or raw, got ${JSON.stringify(client)}`);
  if (values.ack && client !== 'sdk') problems.push('--ack needs --client sdk (a bare socket does not acknowledge)');
  const options: BenchOptions = {
    scenarios: (values.scenario ?? [])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
    durationS: positive('duration', values.duration, 10, problems),
    warmupS: positive('warmup', values.warmup, 2, problems, true),
    rates: rates(values.rates, problems),
    connections: Math.round(positive('connections', values.connections, 100, problems)),
    socketRate: positive('socket-rate', values['socket-rate'], 40, problems),
    client: client as BenchOptions['client'],
    ack: values.ack ?? false,
    idleCount: Math.round(positive('idle-count', values['idle-count'], 10_000, problems)),
    mailboxCount: Math.round(positive('mailbox-count', values['mailbox-count'], 10_000, problems)),
    fetchBatch: Math.round(positive('fetch-batch', values['fetch-batch'], 2000, problems)),
    payloadBytes: Math.round(positive('payload', values.payload, 1024, problems)),
    outDir: values.out ?? 'bench/results',
    distDir: values.dist ?? 'dist',
    cpuProf: values['cpu-prof'] ?? false,
    maxRate: values['max-rate'] ?? false,
    maxRateDurationS: positive('max-rate-duration', values['max-rate-duration'], 5, problems),
    maxRateCeiling: Math.round(positive('max-rate-ceiling', values['max-rate-ceiling'], 64_000, problems)),
    help: values.help ?? false,
  };
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\n${USAGE}`);
  return options;
}

/**
 * Connections for a load scenario: at least `options.connections`, enough that no socket sends more than
 * `socketRate` msg/s at the highest rate, and even (connections are pairs).
 */
export function connectionsFor(options: Pick<BenchOptions, 'connections' | 'socketRate'>, rates: number[]): number {
  const needed = Math.ceil(Math.max(...rates) / options.socketRate);
  const count = Math.max(options.connections, needed, 2);
  return count % 2 === 0 ? count : count + 1;
}
