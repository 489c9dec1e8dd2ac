import pino from 'pino';

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

/** A pino-backed logger writing JSON lines at `level` to stdout (or to `destination`, e.g. in a test). */
export function createLogger(name: string, level: LogLevel = 'info', destination?: pino.DestinationStream): Logger {
  const root = pino({ name, level, base: { pid: process.pid } }, destination);
  return wrap(root, root, {});
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
