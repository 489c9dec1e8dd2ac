import { join } from 'node:path';
import { freePort, startProcess } from '../src/processes';
import type { Deployment } from '../src/scenario';

const REPO = join(__dirname, '..', '..');

/** The bare `ws` relay of `bench/src/fake-router.ts` as a child process: the harness's own floor. */
export async function startBaseline(): Promise<Deployment> {
  const port = await freePort();
  const server = startProcess('fake-router', process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'src', 'fake-router.ts'), String(port)], {
    PATH: process.env.PATH ?? '',
  }, REPO);
  await server.waitForOutput(/listening \d+/, 20_000);
  return {
    mode: 'baseline',
    endpoint: { url: `ws://127.0.0.1:${port}/ws`, appId: 'bench' },
    appName: 'BENCH',
    userBase: 1000 + Math.floor(Math.random() * 1_000_000),
    servers: [server],
    stop: () => server.stop(),
  };
}
