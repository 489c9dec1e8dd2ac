import { API_ERROR_CODES, type ApiError, type ApiErrorCode } from '@linker/contracts';

/**
 * A refused request: its code (`API_ERROR_CODES` gives the status), a message naming the field or the reason, and
 * what else the answer carries (`Retry-After`, `Allow`, where the user lives).
 */
export class ApiFailure extends Error {
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: { retryAfterMs?: number; allow?: string; domain?: string; url?: string } = {},
  ) {
    super(message);
    this.status = API_ERROR_CODES[code].status;
  }

  /** The JSON body: `{code, message}`, plus `domain` and `url` for NOT_HOME_DOMAIN. */
  body(): ApiError {
    const { domain, url } = this.extra;
    return { code: this.code, message: this.message, ...(domain === undefined ? {} : { domain }), ...(url === undefined ? {} : { url }) };
  }

  /** The answer's headers besides the content type. */
  headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.extra.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(this.extra.retryAfterMs / 1000)));
    if (this.extra.allow !== undefined) headers.allow = this.extra.allow;
    return headers;
  }
}

export function isApiFailure(error: unknown): error is ApiFailure {
  return error instanceof ApiFailure;
}
