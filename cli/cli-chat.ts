/**
 * `linker chat`: a terminal chat session on the SDK. Prints what arrives with a timestamp; sends each typed line as a
 * MESSAGE; exits non-zero when refused (cli/README.md).
 */
import { createInterface } from 'node:readline';
import { LinkerClient, LinkerClientError } from '@linker/client-sdk';
import { NodeWebSocket } from '../libs/client-sdk/src/node';
import { parseChatArgs, USAGE, type ChatOptions, type ConnectionOptions } from './cli-args';
import { parseCommand, type CliCommand } from './cli-commands';
import { describe } from './cli-format';
import { EXIT, explain, fail, parseOrSay, print } from './cli-io';

/** `linker chat …` (or the same options without the word chat). */
export async function chatCommand(argv: string[]): Promise<number> {
  const options = parseOrSay(() => parseChatArgs(argv));
  if (options === undefined) return EXIT.USAGE;
  if (options === 'help') return (void process.stdout.write(`${USAGE}\n`), EXIT.OK);
  const client = await openClient(options, { ack: options.ack });
  if (typeof client === 'number') return client;
  print(options.to ? `lines you type go to ${options.to}; /help for commands` : 'no --to given: use /to USER first; /help for commands');
  return session(client, options);
}

/**
 * A client connected as `options.user`, its events printed as they come (by `say`: timestamped lines on stdout unless
 * told otherwise); or, when the connection fails, the exit code (said on stderr).
 */
export async function openClient(
  options: ConnectionOptions,
  { ack, say = print }: { ack: boolean; say?: (text: string) => void },
): Promise<LinkerClient | number> {
  const client = new LinkerClient({
    url: options.url,
    appId: options.app,
    userId: options.user,
    token: options.token,
    ack,
    webSocket: NodeWebSocket,
  });
  printEvents(client, say);
  try {
    await client.connect();
  } catch (error) {
    return connectFailed(error, options);
  }
  client.on('closed', (closed) => closed.code !== 1000 && say(describe.closed(closed)));
  say(`connected to ${options.url} as ${options.user} (app ${options.app}${ack ? ', ack mode' : ''})`);
  return client;
}

/** Print the SDK's events, one timestamped line each (`closed` once connected: a failed connect says so itself). */
function printEvents(client: LinkerClient, say: (text: string) => void): void {
  client.on('message', (message) => say(describe.message(message)));
  client.on('confirmation', (confirmation) => say(describe.confirmation(confirmation)));
  client.on('presence', (presence) => say(describe.presence(presence)));
  client.on('error', (error) => say(describe.error(error)));
  client.on('reconnecting', (reconnecting) => say(describe.reconnecting(reconnecting)));
  client.on('reconnected', (reconnected) => say(describe.reconnected(reconnected)));
  client.on('publication', (publication) => say(describe.publication(publication)));
  client.on('subscribed', (subscribed) => say(describe.subscribed(subscribed)));
}

function connectFailed(error: unknown, options: ConnectionOptions): number {
  if (error instanceof LinkerClientError && error.code === 'AUTH_REFUSED') {
    fail(
      `authentication refused: ${options.user} may not connect to ${options.url} with app ${options.app} (close code ${error.closeCode})`,
    );
    return EXIT.AUTH_REFUSED;
  }
  fail(`cannot connect to ${options.url}: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.FAILED;
}

/** Read commands until /quit, end of input, Ctrl-C, or the server ending the connection for good. */
function session(client: LinkerClient, options: ChatOptions): Promise<number> {
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
      void run(client, command, options, state).catch((error) => print(`!! ${whyNotDone(error)}`));
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
      finish(code === 4001 ? EXIT.AUTH_REFUSED : EXIT.FAILED);
    });
  });
}

/** Carry out one command. */
async function run(client: LinkerClient, command: CliCommand, options: ChatOptions, state: { to?: string }): Promise<void> {
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

function whyNotDone(error: unknown): string {
  if (error instanceof LinkerClientError && error.code === 'NOT_CONNECTED') return 'not connected right now (reconnecting): not sent';
  return explain(error);
}
