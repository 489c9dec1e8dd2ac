import { parseArgs } from 'node:util';

/** What the command line asks for. */
export interface CliOptions {
  user: string;
  to?: string;
  url: string;
  app: string;
  token?: string;
  fast: boolean;
  ack: boolean;
}

export const USAGE = `usage: npm run cli -- --user ANZ-1 --to ANZ-2 [--url ws://127.0.0.1:8089/ws] [--app app-id-343]
                      [--token TOKEN] [--fast] [--ack]

  --user   the user to connect as (required)         --to     the recipient of plain lines
  --url    the connector's client endpoint           --app    the client app's appId
  --token  the AUTH_CLIENT token                     --fast   send on the FAST lane (default RELIABLE)
  --ack    ack mode: acknowledge messages, drop duplicates by id

Then type lines: each is sent to --to. Commands: /to USER, /group a,b,c TEXT, /fetch N, /sub CHANNEL [TOKEN],
/unsub CHANNEL, /pub CHANNEL DATA (JSON or text), /ping, /help, /quit.

usage: npm run cli -- api --api-key KEY [--url http://127.0.0.1:8089] METHOD PATH [JSON]
  calls the server API once and prints the answer, e.g.
  api --api-key KEY POST /api/v1/channels/ANZ:team-1/publications '{"data":{"x":1}}'
  api --api-key KEY GET /api/v1/users/ANZ-7/presence`;

/** Parse `argv` (without node and the script); throws an Error with the usage text on a mistake. */
export function parseCliArgs(argv: string[]): CliOptions | 'help' {
  try {
    return readArgs(argv);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, { cause: error });
  }
}

function readArgs(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      user: { type: 'string' },
      to: { type: 'string' },
      url: { type: 'string', default: 'ws://127.0.0.1:8089/ws' },
      app: { type: 'string', default: 'app-id-343' },
      token: { type: 'string' },
      fast: { type: 'boolean', default: false },
      ack: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (!values.user) throw new Error('--user is required');
  return {
    user: values.user,
    to: values.to,
    url: values.url,
    app: values.app,
    token: values.token,
    fast: values.fast,
    ack: values.ack,
  };
}
