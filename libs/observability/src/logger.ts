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

/** A pino-backed logger writing JSON lines to stdout at `level`. */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return wrap(pino({ name, level, base: { pid: process.pid } }));
}

function wrap(target: pino.Logger): Logger {
  return {
    debug: (message, fields) => target.debug(fields ?? {}, message),
    info: (message, fields) => target.info(fields ?? {}, message),
    warn: (message, fields) => target.warn(fields ?? {}, message),
    error: (message, fields) => target.error(fields ?? {}, message),
    child: (fields) => wrap(target.child(fields)),
  };
}

/** A logger that drops everything: the default of libraries and tests (habit 12: silent unless asked). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
