import type { IncomingMessage, ServerResponse } from 'node:http';
import { PayloadTooLargeException } from '@nestjs/common';

/** Bytes of an oversized body read (and dropped) before refusing it, so the client reads the 413 instead of a reset. */
const DRAIN_LIMIT = 8 * 1024 * 1024;

/**
 * The request body as UTF-8, at most `limit` bytes: a larger one (by `Content-Length` or as it streams) is refused
 * with 413. Bodies are read here, not by a body parser (the meta-server has none): a topology is YAML or JSON text.
 * The 413 closes the connection (`Connection: close`): the rest of the body is never read, so the connection could
 * carry no further request, and a client that reused it would wait for an answer until the server dropped it.
 */
export async function readBody(
  request: IncomingMessage,
  response: ServerResponse,
  limit: number,
  what = 'a topology document',
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const declared = Number(request.headers['content-length']);
  let tooLarge = Number.isFinite(declared) && declared > limit;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
    else if (size > DRAIN_LIMIT) break;
  }
  if (tooLarge) {
    response.setHeader('Connection', 'close');
    throw new PayloadTooLargeException(`the body is over ${limit} bytes (${limit / 1_048_576} MiB): ${what} may be at most that long`);
  }
  return Buffer.concat(chunks).toString('utf8');
}
