import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** How a test calls the server API: the key, and a body as JSON, as raw bytes or as chunks (no Content-Length). */
export interface ApiCallOptions {
  key?: string;
  /** Sent as JSON (`application/json`). */
  json?: unknown;
  /** Sent as it is, with a Content-Length. */
  raw?: string | Buffer;
  /** Sent one after another with `Transfer-Encoding: chunked`. */
  chunks?: Array<string | Buffer>;
  /** Overrides the content type (default `application/json` when there is a body). */
  contentType?: string;
  headers?: Record<string, string>;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
}

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or its text when it is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers are checked field by field by the tests
}

/**
 * One HTTP request to `base` (`http://host:port`, or the `ws://…/ws` client URL of a connector), on a connection of
 * its own (closed after the answer), with a deadline. The answer counts even when the server answers before the whole
 * body was sent (as it does for 413).
 */
export function apiCall(base: string, method: string, path: string, options: ApiCallOptions = {}): Promise<ApiResponse> {
  const url = new URL(path, base.replace(/^ws/, 'http'));
  const body = options.json !== undefined ? JSON.stringify(options.json) : options.raw;
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  if (body !== undefined || options.chunks) headers['content-type'] = options.contentType ?? 'application/json';
  else if (options.contentType) headers['content-type'] = options.contentType;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Keep-alive, as curl and browsers: a server closes a `Connection: close` request's connection at once after its
  // answer, which could reset a body still being sent before the answer is read. The agent is dropped after the answer.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers, agent, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        agent.destroy();
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: the text
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parsed });
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    // A server that answers and closes before the body was sent may reset the rest of it: the answer still counts.
    request.on('error', (error) => {
      agent.destroy();
      reject(error);
    });
    if (options.chunks) {
      for (const chunk of options.chunks) request.write(chunk);
      request.end();
    } else request.end(body);
  });
}
