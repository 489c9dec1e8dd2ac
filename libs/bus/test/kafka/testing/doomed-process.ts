import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { BusRecord } from '../../../src/bus.port';
import type { DoomedConsumer } from '@linker/testing/contracts/bus.contract';
import type { DoomedArgs, DoomedMessage, WireRecord } from './doomed-protocol';

const REPO_ROOT = resolve(__dirname, '../../../..');
const SCRIPT = resolve(__dirname, 'doomed-consumer.ts');

const unwire = (records: readonly WireRecord[]): BusRecord[] => records.map((r) => ({ key: r.key, value: Buffer.from(r.value, 'base64') }));

/**
 * Start a doomed Kafka group member in a real child process (see doomed-consumer.ts); resolves once it has joined.
 * `kill()` sends SIGKILL: no graceful leave, no commit, the broker notices only when its session times out.
 */
export function startDoomedKafkaConsumer(args: DoomedArgs, readyTimeoutMs = 60_000): Promise<DoomedConsumer> {
  const child = fork(SCRIPT, [JSON.stringify(args)], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const received: BusRecord[] = [];
  const completed: BusRecord[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const handle: DoomedConsumer = {
    received: () => received,
    completed: () => completed,
    kill: () => kill(child),
  };
  return new Promise<DoomedConsumer>((resolvePromise, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      void kill(child);
      reject(new Error(`doomed consumer ${why}${stderr ? `; stderr: ${stderr}` : ''}`));
    };
    const timer = setTimeout(() => fail(`did not join within ${readyTimeoutMs} ms`), readyTimeoutMs);
    child.on('message', (message: DoomedMessage) => {
      if (message.type === 'received') received.push(...unwire(message.records));
      else if (message.type === 'completed') completed.push(...unwire(message.records));
      else if (message.type === 'failed') fail(`failed: ${message.error}`);
      else {
        clearTimeout(timer);
        resolvePromise(handle);
      }
    });
    child.on('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal})`));
  });
}

/** SIGKILL the child (if still alive) and resolve once it is gone. */
function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveKill) => {
    child.once('exit', () => resolveKill());
    child.kill('SIGKILL');
  });
}
