/** An HTTP answer the page could not use, with what to tell the person. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** The `message` of a JSON error body (NestJS: a string, or a list of strings), if there is one. */
export function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return undefined;
}

/** Read a body as JSON when it is JSON, else as text (an error page, a proxy's answer). */
export async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!(response.headers.get('content-type') ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `fetch`, but a network failure becomes an `HttpProblem` (status 0) that says what could not be reached. */
export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new HttpProblem(0, `the server of this page did not answer ${url} (is it still running?)`);
  }
}

/** GET `url` as JSON; any status but 2xx is an `HttpProblem` with the server's message. */
export async function getJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await request(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
  const body = await readBody(response);
  if (!response.ok) throw new HttpProblem(response.status, messageOf(body) ?? `${url} answered HTTP ${response.status}`, body);
  return body as T;
}

/** The version in an `ETag` header (`"v"` or `W/"v"`). */
export function versionOf(etag: string | null): string | undefined {
  const match = etag === null ? null : /^(?:W\/)?"([^"]*)"$/.exec(etag.trim());
  return match ? match[1] : undefined;
}
