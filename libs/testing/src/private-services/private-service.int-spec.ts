import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { waitFor } from '../wait-for';
import { PrivateNats } from './private-nats';
import { PrivateRedis } from './private-redis';
import { processAlive, stopAndFindLeftovers, type PrivateService } from './private-service';
import { answers, lineReceived } from './wire';

/** What every private service shares (PrivateService), shown on the two that start in milliseconds. */

const REPO = join(__dirname, '..', '..', '..', '..');
const answersPing = (port: number): Promise<boolean> =>
  answers({ port, request: 'PING\r\n', complete: lineReceived, timeoutMs: 1_000 }, (reply) => reply.toString().startsWith('+PONG'));

describe('PrivateService', () => {
  const started: PrivateService[] = [];
  afterAll(async () => {
    await Promise.all(started.map((service) => service.stop()));
  });

  it('runs again on the same port and directory after kill -9, and stop leaves no process and no directory', async () => {
    const redis = await PrivateRedis.start();
    started.push(redis);
    const [port, directory, firstPid] = [redis.port, redis.directory, redis.pid];
    expect(await answersPing(port)).toBe(true);
    expect(redis.lastStartMs).toBeGreaterThan(0);

    await redis.kill();
    expect(processAlive(firstPid)).toBe(false);
    expect(redis.running).toBe(false);
    expect(await answersPing(port)).toBe(false);
    await expect(redis.kill()).resolves.toBeUndefined(); // nothing runs: nothing to kill

    await redis.start();
    expect([redis.port, redis.directory]).toEqual([port, directory]);
    expect(redis.pid).not.toBe(firstPid);
    expect(await answersPing(port)).toBe(true);
    await expect(redis.start()).rejects.toThrow(/already running/);

    expect(await stopAndFindLeftovers(redis)).toEqual([]);
    await expect(redis.stop()).resolves.toBeUndefined();
    await expect(redis.start()).rejects.toThrow(/was stopped/);
  });

  it('fails at once, with the server output, when the server exits before it is ready (here: its port is taken)', async () => {
    const nats = await PrivateNats.start();
    started.push(nats);
    await nats.kill();
    const squatter = await listen(nats.port);
    try {
      const begun = Date.now();
      await expect(nats.start()).rejects.toThrow(/exited .* before it was ready; its output: .*address already in use/is);
      expect(Date.now() - begun).toBeLessThan(10_000); // not the readiness deadline (15 s)
      expect(nats.running).toBe(false);
    } finally {
      squatter.close();
    }
    await nats.start();
  });

  it.each([
    // An exit runs the process's exit handlers: the directory goes too.
    ['exits', 'process.exit(0)', false],
    // Nothing runs in a process killed with SIGKILL: the kernel kills the server (setpriv), the directory stays.
    ['is killed with SIGKILL', "process.kill(process.pid, 'SIGKILL')", true],
  ])(
    'never outlives the test process: its server dies when the process %s',
    async (_, end, directoryStays) => {
      const script = [
        `const { PrivateRedis } = require(${JSON.stringify(join(__dirname, 'private-redis.ts'))});`,
        'PrivateRedis.start().then((redis) => {',
        '  console.log(JSON.stringify({ pid: redis.pid, directory: redis.directory }));',
        `  setTimeout(() => ${end}, 100);`,
        '});',
      ].join('\n');
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const started = (): string | undefined => {
        if (child.exitCode !== null) throw new Error(`it exited first: ${output}`);
        return output.split('\n').find((line) => line.startsWith('{"pid"'));
      };
      const { pid, directory } = JSON.parse(
        await waitFor('the test process to start its redis-server', started, { timeoutMs: 30_000 }),
      ) as {
        pid: number;
        directory: string;
      };
      try {
        await exited;
        await waitFor(`the redis-server (pid ${pid}) to die with its test process`, () => !processAlive(pid), { timeoutMs: 10_000 });
        expect(existsSync(directory)).toBe(directoryStays);
      } finally {
        if (processAlive(pid)) process.kill(pid, 'SIGKILL');
        child.kill('SIGKILL');
        await rm(directory, { recursive: true, force: true });
      }
    },
    60_000,
  );
});

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
