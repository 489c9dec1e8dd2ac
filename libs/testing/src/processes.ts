import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait-for';

/** The repository root (where `dist/` and `test-output/` are). */
export const REPO = join(__dirname, '..', '..', '..');

export interface AppProcess {
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** Wait until the output matches `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | NodeJS.Signals>;
  /** Send a signal (SIGTERM by default) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

/** The apps `npm run build` makes, each runnable as `dist/apps/<app>/src/main.js`. */
export type AppName = 'connector' | 'processor' | 'meta-server' | 'embedded';

/**
 * Run a built app (`dist/apps/<app>/src/main.js`, made by `npm run build`) as a real process, with `env` added to a
 * clean environment (PATH only), so the test controls every setting, and `args` as its command line. It runs in the
 * repository root, so relative paths (the default topology) mean what they mean for `npm start`.
 */
export function startApp(app: AppName, env: Record<string, string>, args: readonly string[] = []): AppProcess {
  const child = spawn(process.execPath, [join(REPO, 'dist', 'apps', app, 'src', 'main.js'), ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal as NodeJS.Signals))),
  );
  return {
    child,
    output: () => output,
    exited,
    waitForOutput: async (pattern, timeoutMs = 30_000) => {
      await waitFor(
        `${app} to print ${pattern}`,
        () => {
          if (pattern.test(output)) return true;
          if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`${app} exited (${child.exitCode ?? child.signalCode}) first; its output: ${output.slice(-1000)}`);
          }
          return false;
        },
        { timeoutMs },
      );
    },
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
