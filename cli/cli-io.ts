import { line } from './cli-format';

/**
 * Exit codes of every command: 0 done, 1 failed (cannot connect, the server ended the session, an answer not 2xx, a
 * topology with errors), 2 authentication refused, 64 bad usage.
 */
export const EXIT = { OK: 0, FAILED: 1, AUTH_REFUSED: 2, USAGE: 64 } as const;

/** One timestamped line on stdout (what a session prints). */
export const print = (text: string): void => void process.stdout.write(`${line(text)}\n`);
/** One timestamped line on stderr. */
export const fail = (text: string): void => void process.stderr.write(`${line(text)}\n`);
/** Plain text on stdout (answers meant for scripts: a token, an HTTP answer, a report). */
export const output = (text: string): void => void process.stdout.write(`${text}\n`);

/** The message of anything thrown. */
export function explain(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Run `parse`; on a mistake, print it (the usage text with it) and give undefined: the command exits EXIT.USAGE. */
export function parseOrSay<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    fail(explain(error));
    return undefined;
  }
}
