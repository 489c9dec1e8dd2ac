/** One line typed by the user, understood. */
export type CliCommand =
  | { kind: 'send'; content: string }
  | { kind: 'to'; userId: string }
  | { kind: 'group'; to: string[]; content: string }
  | { kind: 'fetch'; count: number }
  | { kind: 'subscribe'; channel: string; token?: string }
  | { kind: 'unsubscribe'; channel: string }
  | { kind: 'publish'; channel: string; data: unknown }
  | { kind: 'ping' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'empty' }
  | { kind: 'invalid'; problem: string };

/** Read one input line: a `/command` or text to send. `//text` sends `/text`. */
export function parseCommand(line: string): CliCommand {
  const text = line.replace(/\r$/, '');
  if (text.trim() === '') return { kind: 'empty' };
  if (!text.startsWith('/')) return { kind: 'send', content: text };
  if (text.startsWith('//')) return { kind: 'send', content: text.slice(1) };
  const [name, ...rest] = text.slice(1).split(' ');
  const argument = rest.join(' ').trim();
  switch (name) {
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    case 'help':
      return { kind: 'help' };
    case 'ping':
      return { kind: 'ping' };
    case 'to':
      return argument ? { kind: 'to', userId: argument } : { kind: 'invalid', problem: 'usage: /to USER' };
    case 'fetch':
      return parseFetch(argument);
    case 'group':
      return parseGroup(argument);
    case 'sub':
      return parseSubscribe(argument);
    case 'unsub':
      return argument ? { kind: 'unsubscribe', channel: argument } : { kind: 'invalid', problem: 'usage: /unsub CHANNEL' };
    case 'pub':
      return parsePublish(argument);
    default:
      return { kind: 'invalid', problem: `unknown command /${name} (try /help)` };
  }
}

function parseFetch(argument: string): CliCommand {
  const count = argument === '' ? 100 : Number(argument);
  if (!Number.isInteger(count) || count < 1) return { kind: 'invalid', problem: 'usage: /fetch N (N a positive integer)' };
  return { kind: 'fetch', count };
}

function parseGroup(argument: string): CliCommand {
  const space = argument.indexOf(' ');
  const to = (space < 0 ? argument : argument.slice(0, space)).split(',').filter((id) => id !== '');
  const content = space < 0 ? '' : argument.slice(space + 1);
  if (to.length === 0 || content === '') return { kind: 'invalid', problem: 'usage: /group a,b,c TEXT' };
  return { kind: 'group', to, content };
}

function parseSubscribe(argument: string): CliCommand {
  const [channel, token, ...rest] = argument.split(' ').filter((part) => part !== '');
  if (!channel || rest.length > 0) return { kind: 'invalid', problem: 'usage: /sub CHANNEL [TOKEN]' };
  return token === undefined ? { kind: 'subscribe', channel } : { kind: 'subscribe', channel, token };
}

/** `/pub CHANNEL DATA`: DATA as JSON when it is JSON, else as text. */
function parsePublish(argument: string): CliCommand {
  const space = argument.indexOf(' ');
  if (space < 0 || argument.slice(space + 1).trim() === '') return { kind: 'invalid', problem: 'usage: /pub CHANNEL DATA' };
  return { kind: 'publish', channel: argument.slice(0, space), data: parsePublishData(argument.slice(space + 1)) };
}

/** The data of a publication as typed: JSON when it is JSON (`{"x":1}`, `42`), else the text itself. */
export function parsePublishData(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
