import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startProcess, type ServerProcess } from '../src/processes';

/**
 * The Centrifugo the comparison runs: v6.9.1, built from the Go module proxy with `go install` (the one command, no
 * code of Centrifugo in this repository) into a cache outside the repository, and reused from there.
 */
export const CENTRIFUGO_VERSION = 'v6.9.1';
export const CENTRIFUGO_MODULE = 'github.com/centrifugal/centrifugo/v6';
const BUILD_TIMEOUT_MS = 20 * 60_000;
const PROGRESS_EVERY_MS = 15_000;

/** `~/.cache/linker-ts/centrifugo/v6.9.1` (or under `$XDG_CACHE_HOME`). */
export function centrifugoCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'linker-ts', 'centrifugo', CENTRIFUGO_VERSION);
}

export const installCommand = `go install ${CENTRIFUGO_MODULE}@${CENTRIFUGO_VERSION}`;

function startGo(gobin: string): ServerProcess {
  try {
    return startProcess(
      'go install centrifugo',
      'go',
      ['install', `${CENTRIFUGO_MODULE}@${CENTRIFUGO_VERSION}`],
      { ...process.env, GOBIN: gobin },
      { cwd: gobin },
    );
  } catch (error) {
    rmSync(gobin, { recursive: true, force: true });
    throw new Error(
      `building Centrifugo needs Go on PATH (${(error as Error).message}); or put a Centrifugo ${CENTRIFUGO_VERSION} binary at ${join(centrifugoCacheDir(), 'centrifugo')}`,
      { cause: error },
    );
  }
}

/**
 * Build into a scratch GOBIN beside the cache and move the binary in only once it is complete, so an interrupted
 * build never leaves a half-written binary that a later run would take for the real one.
 */
export async function buildCentrifugo(dir: string, progress: (line: string) => void): Promise<string> {
  const scratch = `${dir}.partial-${process.pid}`;
  mkdirSync(scratch, { recursive: true });
  const started = performance.now();
  progress(
    `Centrifugo ${CENTRIFUGO_VERSION} is not in ${dir}: building it with \`GOBIN=… ${installCommand}\` (first time only, takes minutes)`,
  );
  const go = startGo(scratch);
  const ticker = setInterval(
    () => progress(`building Centrifugo ${CENTRIFUGO_VERSION}: ${Math.round((performance.now() - started) / 1000)} s so far`),
    PROGRESS_EVERY_MS,
  );
  const timeout = setTimeout(() => go.child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      go.child.once('error', reject);
      go.child.once('exit', (exitCode) => resolve(exitCode));
    });
    if (code !== 0)
      throw new Error(`\`${installCommand}\` failed (exit ${code ?? 'killed'}): ${go.tail().trim().split('\n').slice(-6).join(' | ')}`);
    mkdirSync(dir, { recursive: true });
    renameSync(join(scratch, 'centrifugo'), join(dir, 'centrifugo'));
    chmodSync(join(dir, 'centrifugo'), 0o755);
    progress(`built Centrifugo ${CENTRIFUGO_VERSION} in ${Math.round((performance.now() - started) / 1000)} s: ${join(dir, 'centrifugo')}`);
    return join(dir, 'centrifugo');
  } finally {
    clearInterval(ticker);
    clearTimeout(timeout);
    rmSync(scratch, { recursive: true, force: true });
  }
}

let binary: Promise<string> | undefined;

/**
 * The path of the Centrifugo binary: the cached one, else built now (once per run: every caller shares the same
 * build, and a failed build fails every Centrifugo scenario of the run with its message).
 */
export function centrifugoBinary(progress: (line: string) => void = () => undefined): Promise<string> {
  const dir = centrifugoCacheDir();
  const path = join(dir, 'centrifugo');
  binary ??= existsSync(path) ? Promise.resolve(path) : buildCentrifugo(dir, progress);
  return binary;
}
