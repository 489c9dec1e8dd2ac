/*
 * A process about to be killed, for crash.spec.ts: `node --import tsx crash-publisher.ts '<CrashArgs as JSON>'`.
 * It opens a persisted broker in `directory`, publishes single records from `concurrency` loops (values are
 * sequence numbers) and reports each one whose `publish` resolved; a slow consumer group takes them at the same time
 * and reports each record its handler got before that handler resolves (so before its commit). It never stops by
 * itself: its parent kills it with SIGKILL.
 */
import { errorMessage } from '@linker/kernel';
import { MemoryBus } from '../../../src/memory';
import { openDurableBroker } from '../../../src/embedded/durable-broker';

export interface CrashArgs {
  directory: string;
  topic: string;
  group: string;
  partitions: number;
  concurrency: number;
  /** The consumer's handler waits this long per batch, so records pile up in custody. */
  handlerDelayMs: number;
}

export type CrashMessage =
  { type: 'ready' } | { type: 'resolved'; ids: number[] } | { type: 'handled'; ids: number[] } | { type: 'failed'; error: string };

/** Send one message and wait until it is in the IPC channel, so it reaches the parent even if we die right after. */
function report(message: CrashMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('crash-publisher must be started with an IPC channel (fork)'));
    process.send(message, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as CrashArgs;
  const broker = await openDurableBroker({ directory: args.directory, persist: () => true, truncateDelayMs: 1 });
  const bus = new MemoryBus(broker, 'RELIABLE');
  await bus.ensureTopics([args.topic], args.partitions);
  await bus.subscribe({
    topic: args.topic,
    group: args.group,
    handler: async (records) => {
      await new Promise((resolve) => setTimeout(resolve, args.handlerDelayMs));
      await report({ type: 'handled', ids: records.map((r) => Number(r.value.toString())) });
    },
  });
  await report({ type: 'ready' });
  let next = 0;
  const loop = async (): Promise<never> => {
    for (;;) {
      const id = next++;
      await bus.publish(args.topic, [{ key: `user-${id % 13}`, value: Buffer.from(String(id)) }]);
      await report({ type: 'resolved', ids: [id] });
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, loop));
}

main().catch(async (error: unknown) => {
  await report({ type: 'failed', error: errorMessage(error) }).catch(() => undefined);
  process.exit(1);
});
