import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './processes';
import { waitFor } from './wait-for';

/** The `linker` command as `npm run build` makes it (the package's `bin`). */
export const CLI_BIN = join(REPO, 'dist', 'cli', 'linker-cli.js');

/** The built `linker` command (`dist/cli/linker-cli.js`) as a real process, its output collected. */
export interface Cli {
  child: ChildProcess;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
  type(line: string): void;
}

/** Start the CLI with `args`; the caller kills it (or lets it exit) when done. Run `npm run build` first. */
export function startCli(args: string[]): Cli {
  if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run npm run build first`);
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    type: (line) => void child.stdin?.write(`${line}\n`),
    waitForOutput: async (pattern, timeoutMs = 15_000) => {
      await waitFor(`the CLI to print ${pattern} (output so far: ${JSON.stringify(output.slice(-500))})`, () => pattern.test(output), {
        timeoutMs,
      });
    },
  };
}
