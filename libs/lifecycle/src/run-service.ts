import { errorMessage } from '@linker/kernel';

export interface Closable {
  close(): Promise<void>;
}

export interface RunOptions {
  /** Longest a graceful drain may take before the process exits anyway. */
  drainTimeoutMs?: number;
  /** Where progress lines go (stderr by default). */
  write?: (line: string) => void;
}

/**
 * Start a service and keep it until SIGTERM/SIGINT, then close it and exit.
 * Exit codes: 0 after a clean drain; 1 when start-up fails, the drain fails or times out, or a second signal arrives.
 */
export async function runService(name: string, start: () => Promise<Closable>, options: RunOptions = {}): Promise<void> {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  let service: Closable;
  try {
    service = await start();
  } catch (error) {
    write(`${name} failed to start: ${errorMessage(error)}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      write(`${name}: second ${signal}, exiting without finishing the drain`);
      process.exit(1);
    }
    stopping = true;
    write(`${name}: ${signal} received, draining`);
    const deadline = setTimeout(() => {
      write(`${name}: drain took longer than ${options.drainTimeoutMs ?? 10_000} ms, exiting`);
      process.exit(1);
    }, options.drainTimeoutMs ?? 10_000);
    deadline.unref();
    service.close().then(
      () => {
        write(`${name}: stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        write(`${name}: drain failed: ${errorMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
