import { parseArgs } from 'node:util';
import { USAGE } from './cli-args';

/** What `linker-cli api …` asks for. */
export interface ApiOptions {
  url: string;
  apiKey: string;
  method: string;
  path: string;
  body?: string;
}

/** Parse the arguments after `api`; throws an Error with the usage text on a mistake. */
export function parseApiArgs(argv: string[]): ApiOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { url: { type: 'string', default: 'http://127.0.0.1:8089' }, 'api-key': { type: 'string' } },
  });
  const [method, path, body, ...rest] = positionals;
  const problem =
    values['api-key'] === undefined
      ? '--api-key is required'
      : method === undefined || path === undefined || rest.length > 0
        ? 'give METHOD PATH [JSON]'
        : !path.startsWith('/')
          ? 'PATH starts with /'
          : undefined;
  if (problem !== undefined) throw new Error(`${problem}\n${USAGE}`);
  return { url: values.url, apiKey: values['api-key'] as string, method: (method as string).toUpperCase(), path: path as string, body };
}

/** One server API call: prints `HTTP <status>` and the body; resolves with whether it was 2xx. */
export async function callApi(options: ApiOptions, print: (text: string) => void): Promise<boolean> {
  const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(options.path, options.url), { method: options.method, headers, body: options.body });
  const text = await response.text();
  print(`HTTP ${response.status}${text ? ` ${text}` : ''}`);
  return response.ok;
}
