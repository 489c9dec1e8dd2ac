/**
 * The one error base of linker-ts. Every error that crosses a port carries:
 * - `code`: stable, machine-readable, one of a closed set `C` (each lib and app declares its own union, e.g.
 *   `BusErrorCode`, one line per code: what happened and whether it is retriable);
 * - `retriable`: whether trying the same operation again may succeed;
 * - `cause`: the underlying error, kept for logs.
 * The set is named at each throw (`new LinkerError<BusErrorCode>('BUS_CLOSED', …)`, or by a subclass, or by the
 * return type of a factory): a code outside it, a typo included, does not compile, and neither does a code thrown
 * without naming its set. Errors become wire frames or close codes only at the connector edge, HTTP statuses only in
 * the meta-server, each through a table over the codes that can reach it (see `answerFor`).
 */
export class LinkerError<C extends string = string> extends Error {
  readonly code: C;
  readonly retriable: boolean;

  constructor(code: NoInfer<string extends C ? never : C>, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** The codes any lib or app may throw besides its own. */
export type CommonErrorCode =
  /** A caller passed a value the operation does not take (a bug of the caller, or bad input it did not check); not retriable. */
  'INVALID_ARGUMENT';

/**
 * `table[error.code]` when `error` is a `LinkerError` whose code is a key of `table`, else undefined. An edge maps the
 * codes that can reach it with a `Record<Code, Answer>`, so that a new code without its answer does not compile.
 */
export function answerFor<C extends string, A>(error: unknown, table: Readonly<Record<C, A>>): A | undefined {
  return error instanceof LinkerError && Object.hasOwn(table, error.code) ? table[error.code as C] : undefined;
}

/** Whether `error` may succeed on a retry. Unknown errors are treated as retriable (transient until proven otherwise). */
export function isRetriable(error: unknown): boolean {
  return error instanceof LinkerError ? error.retriable : true;
}

/** The message of any thrown value, for logs and error frames (duck-typed: errors from another realm count too). */
export function errorMessage(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}
