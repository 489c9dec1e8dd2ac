/**
 * `linker channels subscribe|publish|info`: channels from the command line, one command a call (a chat session has
 * `/sub` and `/pub` too). subscribe and publish connect as a user; info asks the server API.
 */
import type { LinkerClient } from '@linker/client-sdk';
import { API_OPTIONS, callApi } from './cli-api';
import { CONNECTION_OPTIONS, connectionOf, readArgs, withUsage, type ConnectionOptions } from './cli-args';
import { openClient } from './cli-chat';
import { parsePublishData } from './cli-commands';
import { EXIT, explain, fail, output, parseOrSay, print } from './cli-io';

/** `linker channels …`. */
export function channelsCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  switch (action) {
    case 'subscribe':
      return subscribe(rest);
    case 'publish':
      return publish(rest);
    case 'info':
      return info(rest);
    default:
      fail(withUsage(() => new Error(`give subscribe, publish or info after channels${action ? `, not ${action}` : ''}`)).message);
      return Promise.resolve(EXIT.USAGE);
  }
}

interface SubscribeOptions extends ConnectionOptions {
  channels: string[];
  channelToken?: string;
  count?: number;
}

function parseSubscribe(argv: string[]): SubscribeOptions {
  return withUsage(() => {
    const { values, positionals } = readArgs(argv, {
      ...CONNECTION_OPTIONS,
      'channel-token': { type: 'string' },
      count: { type: 'string' },
    });
    if (positionals.length === 0) throw new Error('give at least one CHANNEL');
    const count = values.count === undefined ? undefined : Number(values.count);
    if (count !== undefined && !(Number.isInteger(count) && count > 0)) throw new Error('--count is a positive integer');
    return { ...connectionOf(values), channels: positionals, channelToken: values['channel-token'], count };
  });
}

/**
 * Subscribe, then print each publication as one JSON line on stdout until Ctrl-C, SIGTERM or `--count` publications;
 * what the session says besides goes to stderr, so stdout holds only the publications.
 */
async function subscribe(argv: string[]): Promise<number> {
  const options = parseOrSay(() => parseSubscribe(argv));
  if (options === undefined) return EXIT.USAGE;
  const client = await openClient(options, { ack: false, say: fail });
  if (typeof client === 'number') return client;
  let left = options.count ?? Infinity;
  const done = new Promise<number>((resolve) => {
    client.on('publication', ({ channel, data, from, offset }) => {
      output(JSON.stringify({ channel, data, from, offset }));
      if (--left === 0) resolve(EXIT.OK);
    });
    client.on('closed', ({ code, willReconnect }) => !willReconnect && code !== 1000 && resolve(EXIT.FAILED));
    process.once('SIGINT', () => resolve(EXIT.OK));
    process.once('SIGTERM', () => resolve(EXIT.OK));
  });
  try {
    for (const channel of options.channels) await client.subscribe(channel, options.channelToken);
  } catch (error) {
    fail(`cannot subscribe: ${explain(error)}`);
    return closed(client, EXIT.FAILED);
  }
  return closed(client, await done);
}

interface PublishOptions extends ConnectionOptions {
  channel: string;
  data: unknown;
  fast: boolean;
}

function parsePublish(argv: string[]): PublishOptions {
  return withUsage(() => {
    const { values, positionals } = readArgs(argv, { ...CONNECTION_OPTIONS, fast: { type: 'boolean', default: false } });
    const [channel, data, ...rest] = positionals;
    if (channel === undefined || data === undefined || rest.length > 0) throw new Error('give CHANNEL DATA (quote DATA)');
    return { ...connectionOf(values), channel, data: parsePublishData(data), fast: values.fast };
  });
}

/** Publish once; 0 once the server holds the publication (`ACCEPTED`), 1 when it refuses it. */
async function publish(argv: string[]): Promise<number> {
  const options = parseOrSay(() => parsePublish(argv));
  if (options === undefined) return EXIT.USAGE;
  const client = await openClient(options, { ack: false });
  if (typeof client === 'number') return client;
  const reference = client.publish(options.channel, options.data, { feature: options.fast ? 'FAST' : 'RELIABLE' });
  const answer = new Promise<number>((resolve) => {
    client.on('accepted', (accepted) => accepted.reference === reference && resolve(EXIT.OK));
    client.on('error', (error) => error.reference === reference && resolve(EXIT.FAILED)); // openClient printed it
    client.on('closed', ({ willReconnect }) => !willReconnect && resolve(EXIT.FAILED));
  });
  const code = await answer;
  if (code === EXIT.OK) print(`-> #${options.channel}: ${JSON.stringify(options.data)}  (ref ${reference}, accepted)`);
  return closed(client, code);
}

/** `linker channels info CHANNEL --api-key KEY`: GET /api/v1/channels/{channel}. */
async function info(argv: string[]): Promise<number> {
  const options = parseOrSay(() =>
    withUsage(() => {
      const { values, positionals } = readArgs(argv, API_OPTIONS);
      if (values['api-key'] === undefined) throw new Error('--api-key is required');
      if (positionals.length !== 1) throw new Error('give one CHANNEL');
      return { url: values.url, apiKey: values['api-key'], channel: positionals[0] };
    }),
  );
  if (options === undefined) return EXIT.USAGE;
  return callApi({ ...options, method: 'GET', path: `/api/v1/channels/${options.channel}` });
}

async function closed(client: LinkerClient, code: number): Promise<number> {
  await client.close();
  return code;
}
