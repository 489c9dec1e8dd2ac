/*
 * A service for run-service.spec.ts: `node --import tsx stopping-service.ts <clean|stuck|spin> <drainTimeoutMs>`.
 * It starts under `runService`, prints the time and sends itself SIGTERM; its `close()` then resolves (`clean`),
 * never settles while the event loop stays free (`stuck`), or never settles while spinning in microtasks (`spin`:
 * awaiting a settled promise in a loop, which starves every timer and signal handler of the main thread).
 */
import { writeSync } from 'node:fs';
import { runService } from '../../src/run-service';

async function spin(): Promise<void> {
  const settled = Promise.resolve();
  for (;;) await settled;
}

const [mode, drainTimeoutMs] = [process.argv[2], Number(process.argv[3])];
const closes: Record<string, () => Promise<void>> = { clean: async () => undefined, stuck: () => new Promise<void>(() => undefined), spin };
const close = closes[mode];
if (!close) throw new Error(`unknown mode ${mode}`);

void runService(
  'test-service',
  async () => {
    const handle = setInterval(() => undefined, 60_000); // what a real service's server does: keeps the process alive
    return { close: () => close().finally(() => clearInterval(handle)) };
  },
  { drainTimeoutMs },
).then(() => {
  writeSync(1, `SIGTERM at ${Date.now()}\n`);
  process.kill(process.pid, 'SIGTERM');
});
