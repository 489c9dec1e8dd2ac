/**
 * The one error base of linker-ts. Every error that crosses a port carries:
 * - `code`: stable, machine-readable (`KAFKA_UNAVAILABLE`, `INVALID_CONFIG`, ...);
 * - `retriable`: whether trying the same operation again may succeed;
 * - `cause`: the underlying error, kept for logs.
 * Errors become wire frames or close codes only at the connector edge, HTTP statuses only in the meta-server.
 */
export class LinkerError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
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
