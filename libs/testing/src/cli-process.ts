import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait-for';

/** The repository's root (this file is libs/testing/src/cli-process.ts). */
const REPO = join(__dirname, '..', '..', '..');

/** `cli/linker-cli.ts` as a real process (`node --import tsx`), its output collected. */
export interface Cli {
  child: ChildProcess;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
  type(line: string): void;
}

/** Start the CLI with `args`; the caller kills it (or lets it exit) when done. */
export function startCli(args: string[]): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', join('cli', 'linker-cli.ts'), ...args], {
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
