import pino from 'pino';
import { prettyFactory } from 'pino-pretty';

export type LogFields = Record<string, unknown>;

/**
 * The logger port: structured, one line of JSON per event. Message text is a fixed sentence; facts go in `fields`
 * (never message bodies, tokens or secrets).
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose every line also carries `fields` (e.g. `{ component: 'kafka-bus' }`). */
  child(fields: LogFields): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** `json`: one JSON object a line (for machines); `pretty`: one readable line an event; `auto`: pretty on a terminal. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * Fields whose values never reach the output, at the top of a line's fields or one level down (`{ app: { apiKey } }`):
 * they are replaced by `***` before the line is written, in either format. Fields should not carry secrets in the
 * first place; this is the net under that rule.
 */
const SECRET_FIELDS = [
  'token',
  'secret',
  'password',
  'apiKey',
  'jwtSecret',
  'linkSecret',
  'adminToken',
  'internalToken',
  'authorization',
  'privateKey',
  // The services' credentials: the settings' names, and the names their clients give them (a NATS user's `pass`, kafkajs's `sasl`).
  'pass',
  'sasl',
  'creds',
  'kafkaSaslPassword',
  'natsPassword',
  'natsToken',
  'redisPassword',
];
const REDACT = { paths: SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]), censor: '***' };

/**
 * A pino-backed logger writing at `level` to stdout (or to `destination`, e.g. in a test): JSON lines, or with
 * `format` pretty (or auto on a terminal, stdout only) one readable line an event, made from the same redacted JSON.
 */
export function createLogger(
  name: string,
  level: LogLevel = 'info',
  destination?: pino.DestinationStream,
  format: LogFormat = 'auto',
): Logger {
  const terminal = destination === undefined && process.stdout.isTTY === true;
  const pretty = format === 'pretty' || (format === 'auto' && terminal);
  const output = pretty ? prettyStream(destination ?? process.stdout, terminal) : destination;
  const root = pino({ name, level, base: { pid: process.pid }, redact: REDACT }, output);
  return wrap(root, root, {});
}

/** Turns each JSON line pino writes into `[HH:MM:ss.l] LEVEL (name): message {fields}`, synchronously. */
function prettyStream(out: pino.DestinationStream, colorize: boolean): pino.DestinationStream {
  const prettify = prettyFactory({ colorize, singleLine: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' });
  return { write: (line: string) => void out.write(prettify(line)) };
}

/**
 * Children are made from the root with the merged bindings (pino's own children would repeat a key such as
 * `component` once per level, and JSON readers keep only one of them): an inner binding replaces an outer one.
 */
function wrap(root: pino.Logger, target: pino.Logger, bindings: LogFields): Logger {
  return {
    debug: (message, fields) => target.debug(fields ?? {}, message),
    info: (message, fields) => target.info(fields ?? {}, message),
    warn: (message, fields) => target.warn(fields ?? {}, message),
    error: (message, fields) => target.error(fields ?? {}, message),
    child: (fields) => {
      const merged = { ...bindings, ...fields };
      return wrap(root, root.child(merged), merged);
    },
  };
}

/** A logger that drops everything: the default of libraries and tests (silent unless asked). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
