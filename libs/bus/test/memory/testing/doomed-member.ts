import type { DoomedConsumer } from '@linker/testing/contracts/bus.contract';
import type { BusRecord } from '../../../src/bus.port';
import type { MemoryBroker } from '../../../src/memory/memory-broker';
import { MemoryBus } from '../../../src/memory/memory-bus';

/**
 * The twin's doomed member for the bus contract: a subscription on `broker()` whose handler hangs once it took
 * `stopAfter` records, ended by `kill` (an abrupt leave: its batch in hand is abandoned, uncommitted).
 */
export function doomedMemberOn(broker: () => MemoryBroker) {
  return async (topic: string, group: string, stopAfter: number): Promise<DoomedConsumer> => {
    const received: BusRecord[] = [];
    const completed: BusRecord[] = [];
    const subscription = await new MemoryBus(broker(), 'RELIABLE').subscribe({
      topic,
      group,
      handler: async (records) => {
        received.push(...records);
        if (received.length >= stopAfter) return new Promise<void>(() => undefined);
        completed.push(...records);
      },
    });
    return { received: () => received, completed: () => completed, kill: async () => subscription.kill() };
  };
}
