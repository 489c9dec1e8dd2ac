import { readArgs, withUsage } from './cli-args';
import { EXIT, explain, fail, output, parseOrSay } from './cli-io';

/** What `linker api …` asks for. */
export interface ApiOptions {
  url: string;
  apiKey: string;
  method: string;
  path: string;
  body?: string;
}

/** The options of a server API call: the connector's client port over HTTP, and the app's key. */
export const API_OPTIONS = { url: { type: 'string', default: 'http://127.0.0.1:8089' }, 'api-key': { type: 'string' } } as const;

/** Parse the arguments after `api`; throws an Error with the usage text on a mistake. */
export function parseApiArgs(argv: string[]): ApiOptions {
  return withUsage(() => {
    const { values, positionals } = readArgs(argv, API_OPTIONS);
    const [method, path, body, ...rest] = positionals;
    if (values['api-key'] === undefined) throw new Error('--api-key is required');
    if (method === undefined || path === undefined || rest.length > 0) throw new Error('give METHOD PATH [JSON]');
    if (!path.startsWith('/')) throw new Error('PATH starts with /');
    return { url: values.url, apiKey: values['api-key'], method: method.toUpperCase(), path, body };
  });
}

/** `linker api …`: one server API call; 0 on a 2xx answer, 1 on another answer or none, 64 bad usage. */
export async function apiCommand(argv: string[]): Promise<number> {
  const options = parseOrSay(() => parseApiArgs(argv));
  return options === undefined ? EXIT.USAGE : callApi(options);
}

/** One server API call: prints `HTTP <status>` and the body; 0 when it was 2xx, else 1. */
export async function callApi(options: ApiOptions): Promise<number> {
  const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(new URL(options.path, options.url), { method: options.method, headers, body: options.body });
    const text = await response.text();
    output(`HTTP ${response.status}${text ? ` ${text}` : ''}`);
    return response.ok ? EXIT.OK : EXIT.FAILED;
  } catch (error) {
    fail(`cannot reach ${options.url}: ${explain(error)}`);
    return EXIT.FAILED;
  }
}
