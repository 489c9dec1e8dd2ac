/**
 * linker-cli: a terminal chat client on the SDK. `npm run cli -- --user ANZ-1 --to ANZ-2` (see cli/README.md).
 * Prints what arrives with a timestamp; sends each typed line as a MESSAGE; exits non-zero when refused.
 */
import { createInterface } from 'node:readline';
import { LinkerClient, LinkerClientError } from '@linker/client-sdk';
import { NodeWebSocket } from '../libs/client-sdk/src/node';
import { callApi, parseApiArgs, type ApiOptions } from './cli-api';
import { parseCliArgs, USAGE, type CliOptions } from './cli-args';
import { parseCommand, type CliCommand } from './cli-commands';
import { describe, line } from './cli-format';

/** Exit codes: 0 done, 1 connection failed or ended by the server (api: an answer not 2xx), 2 authentication refused, 64 bad usage. */
const EXIT = { OK: 0, CONNECTION: 1, AUTH_REFUSED: 2, USAGE: 64 } as const;

const print = (text: string): void => void process.stdout.write(`${line(text)}\n`);
const fail = (text: string): void => void process.stderr.write(`${line(text)}\n`);

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'api') return api(argv.slice(1));
  let options: CliOptions | 'help';
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    return EXIT.USAGE;
  }
  if (options === 'help') return (void process.stdout.write(`${USAGE}\n`), EXIT.OK);
  const client = new LinkerClient({
    url: options.url,
    appId: options.app,
    userId: options.user,
    token: options.token,
    ack: options.ack,
    webSocket: NodeWebSocket,
  });
  printEvents(client);
  try {
    await client.connect();
  } catch (error) {
    return connectFailed(error, options);
  }
  client.on('closed', (closed) => closed.code !== 1000 && print(describe.closed(closed)));
  print(`connected to ${options.url} as ${options.user} (app ${options.app}${options.ack ? ', ack mode' : ''})`);
  print(options.to ? `lines you type go to ${options.to}; /help for commands` : 'no --to given: use /to USER first; /help for commands');
  return session(client, options);
}

/** `linker-cli api …`: one server API call; 0 on a 2xx answer, 1 on another answer or none, 64 bad usage. */
async function api(argv: string[]): Promise<number> {
  let options: ApiOptions;
  try {
    options = parseApiArgs(argv);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
    return EXIT.USAGE;
  }
  try {
    return (await callApi(options, (text) => void process.stdout.write(`${text}\n`))) ? EXIT.OK : EXIT.CONNECTION;
  } catch (error) {
    fail(`cannot reach ${options.url}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.CONNECTION;
  }
}

/** Print the SDK's events, one timestamped line each (`closed` once connected: a failed connect says so itself). */
function printEvents(client: LinkerClient): void {
  client.on('message', (message) => print(describe.message(message)));
  client.on('confirmation', (confirmation) => print(describe.confirmation(confirmation)));
  client.on('presence', (presence) => print(describe.presence(presence)));
  client.on('error', (error) => print(describe.error(error)));
  client.on('reconnecting', (reconnecting) => print(describe.reconnecting(reconnecting)));
  client.on('reconnected', (reconnected) => print(describe.reconnected(reconnected)));
  client.on('publication', (publication) => print(describe.publication(publication)));
  client.on('subscribed', (subscribed) => print(describe.subscribed(subscribed)));
}

function connectFailed(error: unknown, options: CliOptions): number {
  if (error instanceof LinkerClientError && error.code === 'AUTH_REFUSED') {
    fail(
      `authentication refused: ${options.user} may not connect to ${options.url} with app ${options.app} (close code ${error.closeCode})`,
    );
    return EXIT.AUTH_REFUSED;
  }
  fail(`cannot connect to ${options.url}: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.CONNECTION;
}

/** Read commands until /quit, end of input, Ctrl-C, or the server ending the connection for good. */
function session(client: LinkerClient, options: CliOptions): Promise<number> {
  return new Promise<number>((resolve) => {
    const input = createInterface({ input: process.stdin, terminal: false });
    const state = { to: options.to };
    const finish = (code: number): void => {
      input.close();
      void client.close().then(() => resolve(code));
    };
    input.on('line', (text) => {
      const command = parseCommand(text);
      if (command.kind === 'quit') return finish(EXIT.OK);
      void run(client, command, options, state).catch((error) => print(`!! ${explain(error)}`));
    });
    input.on('close', () => finish(EXIT.OK));
    process.once('SIGINT', () => finish(EXIT.OK));
    client.on('closed', ({ code, reason, willReconnect }) => {
      if (willReconnect || code === 1000) return;
      fail(
        code === 4001
          ? `authentication refused on reconnect: ${reason}`
          : `connection ended by the server (${code}${reason ? `: ${reason}` : ''})`,
      );
      finish(code === 4001 ? EXIT.AUTH_REFUSED : EXIT.CONNECTION);
    });
  });
}

/** Carry out one command. */
async function run(client: LinkerClient, command: CliCommand, options: CliOptions, state: { to?: string }): Promise<void> {
  const feature = options.fast ? 'FAST' : 'RELIABLE';
  switch (command.kind) {
    case 'send': {
      if (!state.to) return print('!! no recipient: /to USER first');
      const reference = client.send(state.to, command.content, { feature });
      return print(`-> ${state.to}: ${command.content}  (ref ${reference}, ${feature})`);
    }
    case 'group': {
      const reference = client.sendGroup(command.to, command.content, { feature });
      return print(`-> [${command.to.join(', ')}]: ${command.content}  (ref ${reference}, ${feature})`);
    }
    case 'fetch': {
      const { messages, leftMissingCount } = await client.fetchMissing(command.count);
      for (const message of messages) print(describe.message(message));
      return print(`fetched ${messages.length} missed message(s); ${leftMissingCount} left`);
    }
    case 'subscribe':
      return client.subscribe(command.channel, command.token); // `subscribed` prints the answer
    case 'unsubscribe':
      await client.unsubscribe(command.channel);
      return print(`#  unsubscribed from ${command.channel}`);
    case 'publish': {
      const reference = client.publish(command.channel, command.data, { feature });
      return print(`-> #${command.channel}: ${JSON.stringify(command.data)}  (ref ${reference}, ${feature})`);
    }
    case 'ping':
      return print(`pong in ${await client.ping()} ms`);
    case 'to':
      state.to = command.userId;
      return print(`lines you type now go to ${command.userId}`);
    case 'help':
      return void process.stdout.write(`${USAGE}\n`);
    case 'invalid':
      return print(`!! ${command.problem}`);
    case 'empty':
    case 'quit':
      return;
  }
}

function explain(error: unknown): string {
  if (error instanceof LinkerClientError && error.code === 'NOT_CONNECTED') return 'not connected right now (reconnecting): not sent';
  return error instanceof Error ? error.message : String(error);
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
