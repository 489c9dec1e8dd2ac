import { parseArgs, type ParseArgsConfig } from 'node:util';

export const USAGE = `usage: linker COMMAND [OPTIONS]    (in this repository: npm run cli -- COMMAND [OPTIONS])

  linker chat --user ANZ-1 [--to ANZ-2] [CONNECTION] [--fast] [--ack]
      a chat session: each line you type is sent to --to. Commands: /to USER, /group a,b,c TEXT, /fetch N,
      /sub CHANNEL [TOKEN], /unsub CHANNEL, /pub CHANNEL DATA (JSON or text), /ping, /help, /quit.
      (\`linker --user ANZ-1 …\` without the word chat does the same.)
  linker channels subscribe CHANNEL… --user ANZ-1 [--channel-token T] [--count N] [CONNECTION]
      prints each publication as one JSON line until Ctrl-C, or until N arrived
  linker channels publish CHANNEL DATA --user ANZ-1 [--fast] [CONNECTION]
      publishes once (DATA as JSON, or else text) and exits when the server holds it
  linker channels info CHANNEL --api-key KEY [--url http://127.0.0.1:8089]
      the channel's subscribers, from the server API
  linker api --api-key KEY [--url http://127.0.0.1:8089] METHOD PATH [JSON]
      one server API call, e.g. api --api-key KEY GET /api/v1/users/ANZ-7/presence
  linker token --user ANZ-1 (--secret SECRET | --topology FILE --app APP | --private-key FILE) [--ttl SECONDS]
               [--channel CHANNEL]
      prints a development JWT for the user: HS256 with the app's jwtSecret, given or read from the topology file
      (APP: its appName or appId), or RS256/ES256 with the private key of its jwtPublicKey (PEM); --channel makes
      it a subscription token for that channel. Default ttl 3600.
  linker topology check FILE
      validates a topology file as the meta-server does: every problem with its path and line; exit 0 valid, 1 not

  CONNECTION: --url ws://127.0.0.1:8089/ws (the connector's client endpoint), --app app-id-343 (the appId),
              --token TOKEN (the AUTH_CLIENT token)
  Exit codes: 0 done, 1 failed (or the server ended the session), 2 authentication refused, 64 bad usage.`;

/** Where and as whom a command connects. */
export interface ConnectionOptions {
  user: string;
  url: string;
  app: string;
  token?: string;
}

/** What `linker chat` asks for. */
export interface ChatOptions extends ConnectionOptions {
  to?: string;
  fast: boolean;
  ack: boolean;
}

/** The options every command that connects as a user takes. */
export const CONNECTION_OPTIONS = {
  user: { type: 'string' },
  url: { type: 'string', default: 'ws://127.0.0.1:8089/ws' },
  app: { type: 'string', default: 'app-id-343' },
  token: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** `--user` and the rest of CONNECTION_OPTIONS, once parsed; throws when --user is missing. */
export function connectionOf(values: { user?: string; url: string; app: string; token?: string }): ConnectionOptions {
  if (!values.user) throw new Error('--user is required');
  return { user: values.user, url: values.url, app: values.app, token: values.token };
}

/** `argv` read strictly against `options` (an unknown option, or a value missing, throws), with its positionals. */
export function readArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  return parseArgs({ args: argv, strict: true, allowPositionals: true, options });
}

/** Throws when a command that takes no positional argument got one. */
export function noPositionals(positionals: readonly string[]): void {
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
}

/** Throws an Error carrying the usage text, for a mistake in the arguments. */
export function withUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, { cause: error });
  }
}

/** Parse the arguments of `linker chat`; throws an Error with the usage text on a mistake. */
export function parseChatArgs(argv: string[]): ChatOptions | 'help' {
  return withUsage(() => {
    const { values, positionals } = readArgs(argv, {
      ...CONNECTION_OPTIONS,
      to: { type: 'string' },
      fast: { type: 'boolean', default: false },
      ack: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    });
    noPositionals(positionals);
    if (values.help) return 'help';
    return { ...connectionOf(values), to: values.to, fast: values.fast, ack: values.ack };
  });
}
