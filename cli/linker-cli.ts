#!/usr/bin/env node
/**
 * `linker`: the command line of linker-ts (cli/README.md): chat, channels, the server API, development tokens and
 * topology checks. Built with the apps (`npm run build`) into dist/cli/linker-cli.js, the `bin` of the package.
 */
import { apiCommand } from './cli-api';
import { USAGE } from './cli-args';
import { channelsCommand } from './cli-channels';
import { chatCommand } from './cli-chat';
import { EXIT, fail } from './cli-io';
import { tokenCommand } from './cli-token';
import { topologyCommand } from './cli-topology';

const COMMANDS: Readonly<Record<string, (argv: string[]) => Promise<number>>> = {
  chat: chatCommand,
  channels: channelsCommand,
  api: apiCommand,
  token: tokenCommand,
  topology: topologyCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') return (void process.stdout.write(`${USAGE}\n`), EXIT.OK);
  // `linker --user ANZ-1 --to ANZ-2` (options first, as before there were commands) is a chat session.
  if (name === undefined || name.startsWith('-')) return chatCommand(argv);
  if (Object.hasOwn(COMMANDS, name)) return (COMMANDS[name] as (argv: string[]) => Promise<number>)(rest);
  fail(`unknown command ${name}\n${USAGE}`);
  return EXIT.USAGE;
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
