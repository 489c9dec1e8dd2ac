import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '@linker/kernel';
import { BearerToken } from '@linker/lifecycle';
import type { DeadLetterDesk } from './dead-letter-desk';

/** The dead-letter endpoints of the ops server, behind `LINKER_ADMIN_TOKEN`. */
export interface DeadLetterAccess {
  /** Unset: the routes answer 404, saying why. */
  adminToken?: string;
  desk: DeadLetterDesk;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1_000;
const REINJECT = /^\/dead-letters\/([^/]+)\/reinject$/;

/**
 * Answers `GET /dead-letters?limit=` and `POST /dead-letters/{id}/reinject` (docs/protocol.md, Operations endpoints);
 * false when the request is for neither. The admin token is a `BearerToken`: compared in constant time, never logged.
 */
export function deadLetterRoutes(access: DeadLetterAccess | undefined): (request: IncomingMessage, response: ServerResponse) => boolean {
  const token = new BearerToken(access?.adminToken);
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://ops');
    const reinject = REINJECT.exec(url.pathname);
    if (url.pathname !== '/dead-letters' && !reinject) return false;
    if (access === undefined || !token.configured) {
      json(response, 404, { statusCode: 404, message: 'the dead-letter endpoints are off: set LINKER_ADMIN_TOKEN on this processor' });
    } else if (!token.holds(request.headers.authorization)) {
      json(
        response,
        401,
        { statusCode: 401, message: 'the dead-letter endpoints need Authorization: Bearer <the admin token>' },
        { 'www-authenticate': 'Bearer' },
      );
    } else if (reinject && request.method === 'POST') {
      answer(response, reinjected(access.desk, decodeURIComponent(reinject[1])));
    } else if (!reinject && request.method === 'GET') {
      const limit = limitOf(url.searchParams.get('limit'));
      if (limit === undefined) json(response, 400, { statusCode: 400, message: `limit: a whole number from 1 to ${MAX_LIMIT}` });
      else
        answer(
          response,
          access.desk.list(limit).then((letters) => [200, letters]),
        );
    } else {
      json(
        response,
        405,
        { statusCode: 405, message: 'GET /dead-letters, POST /dead-letters/{id}/reinject' },
        { allow: reinject ? 'POST' : 'GET' },
      );
    }
    return true;
  };
}

async function reinjected(desk: DeadLetterDesk, id: string): Promise<[number, unknown]> {
  if (await desk.reinject(id)) return [200, { id, reinjected: true }];
  return [404, { statusCode: 404, id, reinjected: false, message: `no dead letter ${id.slice(0, 80)}` }];
}

function answer(response: ServerResponse, work: Promise<[number, unknown]>): void {
  work.then(
    ([status, body]) => json(response, status, body),
    (error: unknown) => json(response, 503, { statusCode: 503, message: `the dead letters cannot be reached now: ${errorMessage(error)}` }),
  );
}

function limitOf(raw: string | null): number | undefined {
  if (raw === null) return DEFAULT_LIMIT;
  const limit = Number(raw);
  return /^\d+$/.test(raw) && limit >= 1 && limit <= MAX_LIMIT ? limit : undefined;
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}
