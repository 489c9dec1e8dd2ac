import { MemoryBroker, type MemoryBrokerOptions } from '../memory';
import { LevelBrokerStore } from './level-broker-store';

export interface DurableBrokerOptions extends MemoryBrokerOptions {
  /** The store's directory (its own: not the mailbox's); created when missing; one process at a time may hold it. */
  directory: string;
  /**
   * Which RELIABLE topics survive a crash (embedded mode: the intake and `linker.<domain>.outbound.*`); the others
   * are in memory only and start empty after a restart. A topic on disk that this no longer chooses is ignored.
   */
  persist: (topic: string) => boolean;
  /** How long truncations are gathered before their records are deleted from disk. Default 200 ms. */
  truncateDelayMs?: number;
}

/**
 * Embedded mode's broker (ADR 0009, "Embedded mode keeps custody on disk"): a `MemoryBroker` whose chosen RELIABLE
 * topics are kept in a LevelDB store in `directory` and restored from it. `publish` on such a topic resolves once the
 * records are synced to disk; committed offsets are kept (unsynced); records every group committed are deleted in
 * the background. Close the `MemoryBus` clients first (their batches in hand finish and commit), then the broker:
 * `close` lets the writes in hand finish and closes the store.
 */
export async function openDurableBroker(options: DurableBrokerOptions): Promise<MemoryBroker> {
  const { directory, persist, truncateDelayMs, ...brokerOptions } = options;
  const store = await LevelBrokerStore.open({ directory, logger: options.logger, truncateDelayMs });
  try {
    return await MemoryBroker.open({ ...brokerOptions, persistence: store, persist });
  } catch (error) {
    await store.close();
    throw error;
  }
}
