import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '@linker/testing';
import { MemoryBus } from '../../src/memory';
import { openDurableBroker } from '../../src/embedded/durable-broker';
import type { CrashArgs, CrashMessage } from './testing/crash-publisher';

const REPO_ROOT = resolve(__dirname, '../../../..');
const SCRIPT = resolve(__dirname, 'testing/crash-publisher.ts');

interface Crashed {
  /** Ids whose `publish` had resolved when the process was killed (as far as its reports reached us). */
  resolved: Set<number>;
  /** Ids its consumer group's handler had been given (its commit may or may not have been written). */
  handled: Set<number>;
}

/** Run the crash publisher until `atLeast` publishes resolved, then SIGKILL it; resolves once it is gone. */
function publishThenKill(args: CrashArgs, atLeast: number): Promise<Crashed> {
  const child = fork(SCRIPT, [JSON.stringify(args)], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const crashed: Crashed = { resolved: new Set(), handled: new Set() };
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  return new Promise((done, fail) => {
    let killed = false;
    child.on('message', (message: CrashMessage) => {
      if (message.type === 'failed') fail(new Error(`crash publisher failed: ${message.error}; stderr: ${stderr}`));
      if (message.type === 'resolved') for (const id of message.ids) crashed.resolved.add(id);
      if (message.type === 'handled') for (const id of message.ids) crashed.handled.add(id);
      if (!killed && crashed.resolved.size >= atLeast) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? done(crashed) : fail(new Error(`crash publisher exited (code ${code}); stderr: ${stderr}`)),
    );
  });
}

describe('a persisted MemoryBroker killed with SIGKILL', () => {
  const root = mkdtemp(join(tmpdir(), 'linker-bus-crash-'));
  afterAll(async () => rm(await root, { recursive: true, force: true }));

  it('loses no record whose publish had resolved: each was handled before the crash or is delivered after the restart', async () => {
    const args: CrashArgs = {
      directory: join(await root, 'store'),
      topic: 'linker.a.outbound.b',
      group: 'forwarders',
      partitions: 3,
      concurrency: 16,
      handlerDelayMs: 20,
    };
    const crashed = await publishThenKill(args, 3_000);

    const broker = await openDurableBroker({ directory: args.directory, persist: () => true });
    const ends = broker.partitionSizes(args.topic);
    const total = ends.reduce((a, b) => a + b, 0);
    const after = new Set<number>();
    const bus = new MemoryBus(broker, 'RELIABLE');
    await bus.subscribe({
      topic: args.topic,
      group: args.group,
      handler: async (rs) => rs.forEach((r) => after.add(Number(r.value.toString()))),
    });
    await waitFor('the group to commit every restored record', () => broker.hasCommitted(args.topic, args.group, ends), {
      timeoutMs: 10_000,
    });

    if (process.env.LINKER_TEST_LOGS === '1')
      console.log({ resolved: crashed.resolved.size, handled: crashed.handled.size, restored: total, deliveredAfter: after.size });
    const lost = [...crashed.resolved].filter((id) => !crashed.handled.has(id) && !after.has(id));
    expect(lost).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(crashed.resolved.size);
    expect(after.size).toBeGreaterThan(0); // the slow group left records in custody: the restart had something to restore
    // Offsets have no gap: the restored offsets count exactly the ids 0 .. total-1 (publishes are written in call order).
    const missing = Array.from({ length: total }, (_, id) => id).filter((id) => !crashed.handled.has(id) && !after.has(id));
    expect(missing).toEqual([]);
    expect([...after].every((id) => id < total)).toBe(true);
    await bus.close();
    await broker.close();
  }, 60_000);
});
