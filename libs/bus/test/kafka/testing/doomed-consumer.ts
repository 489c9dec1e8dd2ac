/*
 * A member of a Kafka consumer group that is about to die, run as a child process by doomed-process.ts
 * (`node --import tsx doomed-consumer.ts '<DoomedArgs as JSON>'`). It joins the group through KafkaBus, reports every
 * record it takes, completes its batches normally until it has taken `stopAfter` records, then never finishes the
 * batch in hand (KafkaBus keeps heartbeating, so it stays in the group) until its parent kills it with SIGKILL.
 */
import { defineConfig } from '@linker/config';
import { errorMessage } from '@linker/kernel';
import { silentLogger } from '@linker/observability';
import type { BusRecord } from '../../../src/bus.port';
import { busSecurityOf, busSecuritySettings } from '../../../src/bus-security.settings';
import { KafkaBus } from '../../../src/kafka/kafka-bus';
import type { DoomedArgs, DoomedMessage, WireRecord } from './doomed-protocol';

/** Send one message and wait until it is in the IPC channel, so it reaches the parent even if we die right after. */
function report(message: DoomedMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('doomed-consumer must be started with an IPC channel (fork)'));
    process.send(message, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

const wire = (records: readonly BusRecord[]): WireRecord[] => records.map((r) => ({ key: r.key, value: r.value.toString('base64') }));

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as DoomedArgs;
  const security = args.securityEnv && busSecurityOf(defineConfig(busSecuritySettings).load(args.securityEnv)).kafka;
  const bus = await KafkaBus.connect({
    brokers: args.brokers,
    clientId: 'doomed-consumer',
    logger: silentLogger,
    tuning: args.tuning,
    security,
  });
  let taken = 0;
  await bus.subscribe({
    topic: args.topic,
    group: args.group,
    handler: async (records) => {
      taken += records.length;
      await report({ type: 'received', records: wire(records) });
      if (taken >= args.stopAfter) return new Promise<void>(() => undefined);
      await report({ type: 'completed', records: wire(records) });
    },
  });
  await report({ type: 'ready' });
}

main().catch(async (error: unknown) => {
  await report({ type: 'failed', error: errorMessage(error) }).catch(() => undefined);
  process.exit(1);
});
