import { join } from 'node:path';
import { freePort } from '../src/processes';
import type { Deployment, StartRequest } from '../src/scenario';

/** The bare `ws` relay of `bench/src/fake-router.ts` as a child process: the harness's own floor. */
export async function startBaseline(request: StartRequest): Promise<Deployment> {
  const port = await freePort();
  const server = request.startNode('fake-router', ['--import', 'tsx', join(__dirname, '..', 'src', 'fake-router.ts'), String(port)], {
    PATH: process.env.PATH ?? '',
  });
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
