import { createServer } from 'node:http';
import { listenHttp, ResourceStack, closeOnShutdown } from '@linker/lifecycle';

function resource(name: string, log: string[], failClose = false) {
  return {
    name,
    close: async () => {
      log.push(`close ${name}`);
      if (failClose) throw new Error(`${name} would not close`);
    },
  };
}

describe('ResourceStack', () => {
  it('closes in reverse order, even when one fails to close', async () => {
    const log: string[] = [];
    const stack = new ResourceStack();
    await stack.open(() => resource('kafka', log));
    await stack.open(async () => resource('redis', log, true));
    await stack.open(() => resource('mongodb', log));
    await stack.close();
    expect(log).toEqual(['close mongodb', 'close redis', 'close kafka']);
  });

  it('closes what was opened when a later open fails, and rethrows', async () => {
    const log: string[] = [];
    const stack = new ResourceStack();
    await stack.open(() => resource('kafka', log));
    await expect(
      stack.open(async () => {
        throw new Error('ECONNREFUSED');
      }),
    ).rejects.toThrow('ECONNREFUSED');
    expect(log).toEqual(['close kafka']);
  });
});

describe('closeOnShutdown', () => {
  it('gives a resource the shutdown hook Nest calls, closing it', async () => {
    const log: string[] = [];
    const marked = closeOnShutdown(resource('kafka', log));
    await marked.onApplicationShutdown();
    expect(log).toEqual(['close kafka']);
    expect(marked.name).toBe('kafka');
  });
});

describe('listenHttp', () => {
  it('listens on a free port, answers, and closes; a taken port is refused', async () => {
    const server = createServer((_request, response) => response.end('ok'));
    const listener = await listenHttp(server, '127.0.0.1', 0);
    expect(await (await fetch(listener.url)).text()).toBe('ok');
    const port = Number(new URL(listener.url).port);
    await expect(listenHttp(createServer(), '127.0.0.1', port)).rejects.toThrow(/EADDRINUSE/);
    await listener.close();
    await expect(fetch(listener.url)).rejects.toThrow();
  });
});
