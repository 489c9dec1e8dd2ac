import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the auth server answers, chosen by the first digit of the user's number (`EXT-<digit><n>`), so each test picks
 * its case by the id it makes (`UserIds.of('EXT', AUTH_ANSWER.accept)`).
 */
export const AUTH_ANSWER = {
  /** 200 `{appId, userId, isAuthenticated: true}`. */
  accept: '1',
  /** 200 `{appId, userId, isAuthenticated: false}`. */
  refuse: '2',
  /** 200 with a body that is not JSON. */
  malformed: '3',
  /** 500 with an accepting body. */
  serverError: '4',
  /** 200 accepting another user. */
  otherUser: '5',
  /** 200 `isAuthenticated: "true"` (a string, not the boolean). */
  wrongType: '6',
  /** 200 `{appId, userId}`, without `isAuthenticated`. */
  noVerdict: '7',
  /** 200 with the JSON `null`. */
  nullBody: '8',
  /** 200 with a body of 256 MiB (spaces), written as fast as it is read. */
  huge: '9',
} as const;

/** A request the auth server received. */
interface AuthRequestSeen {
  method: string;
  contentType: string | undefined;
  body: unknown;
}

export interface AuthServer {
  /** `http://127.0.0.1:<port>/auth`. */
  url: string;
  readonly requests: AuthRequestSeen[];
  /** Bytes of `huge` answers written so far (it stops writing when the caller hangs up). */
  hugeBytesWritten(): number;
  close(): Promise<void>;
}

export interface AuthServerOptions {
  /** Answer each request this many ms after it arrived (a slow auth server); default at once. */
  delayMs?: number;
}

/** A real HTTP auth server for an app's `authUrl`, on a free port of 127.0.0.1. */
export async function startAuthServer({ delayMs = 0 }: AuthServerOptions = {}): Promise<AuthServer> {
  const requests: AuthRequestSeen[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const huge = { written: 0 };
  const server = createServer((request, response) => {
    void readBody(request).then((text) => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      requests.push({ method: request.method ?? '', contentType: request.headers['content-type'], body });
      if (delayMs === 0) return answer(response, body, huge);
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(response, body, huge);
      }, delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/auth`,
    requests,
    hugeBytesWritten: () => huge.written,
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections(); // the processor's keep-alive connections would hold close() open
      }),
  };
}

function answer(response: ServerResponse, body: unknown, huge: { written: number }): void {
  const { appId, userId } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const digit = typeof userId === 'string' ? (/-(\d)/.exec(userId)?.[1] ?? '') : '';
  const json = (status: number, value: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  switch (digit) {
    case AUTH_ANSWER.accept:
      return json(200, { appId, userId, isAuthenticated: true });
    case AUTH_ANSWER.malformed:
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"appId": "not json');
      return;
    case AUTH_ANSWER.serverError:
      return json(500, { appId, userId, isAuthenticated: true });
    case AUTH_ANSWER.otherUser:
      return json(200, { appId, userId: `${String(userId)}0`, isAuthenticated: true });
    case AUTH_ANSWER.wrongType:
      return json(200, { appId, userId, isAuthenticated: 'true' });
    case AUTH_ANSWER.noVerdict:
      return json(200, { appId, userId });
    case AUTH_ANSWER.nullBody:
      return json(200, null);
    case AUTH_ANSWER.huge:
      return writeHuge(response, huge);
    default:
      return json(200, { appId, userId, isAuthenticated: false });
  }
}

/** 256 MiB of spaces in 1 MiB chunks, each written once the caller took the previous ones; stops when it hangs up. */
function writeHuge(response: ServerResponse, huge: { written: number }): void {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let left = 256;
  response.writeHead(200, { 'content-type': 'application/json' });
  const pump = (): void => {
    while (left > 0 && !response.destroyed) {
      left -= 1;
      huge.written += chunk.length;
      if (!response.write(chunk)) return void response.once('drain', pump);
    }
    response.end();
  };
  pump();
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => resolve(text));
    request.on('error', () => resolve(text));
  });
}
