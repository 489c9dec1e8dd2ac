import type { Lane } from '@linker/contracts';
import { ResourceStack } from '@linker/lifecycle';
import type { Logger } from '@linker/observability';
import type { Bus } from './bus.port';
import type { BusSecurity } from './bus-security.settings';
import { KafkaBus } from './kafka';
import { MemoryBroker, MemoryBus } from './memory';
import { NatsBus } from './nats';

/** A process's two lanes: RELIABLE and FAST, each a `Bus`. */
export type Lanes = Readonly<Record<Lane, Bus>> & { close(): Promise<void> };

export interface RealLanesOptions {
  kafkaBrokers: readonly string[];
  natsUrl: string;
  /** This process's name, shown by both brokers. */
  clientId: string;
  logger: Logger;
  /** How long FAST publishes may wait to leave together (`NatsPublisher`); 0 (default): the end of the turn. */
  natsWriteDelayMs?: number;
  /** TLS and credentials of each lane (`busSecurityOf`); unset: plain, no credentials. */
  security?: BusSecurity;
}

/** Real mode: RELIABLE on Kafka, FAST on NATS. Rejects (and closes what it opened) when either is unreachable. */
export async function connectLanes(options: RealLanesOptions): Promise<Lanes> {
  const resources = new ResourceStack();
  const RELIABLE = await resources.open(() =>
    KafkaBus.connect({
      brokers: options.kafkaBrokers,
      clientId: options.clientId,
      logger: options.logger,
      security: options.security?.kafka,
    }),
  );
  const FAST = await resources.open(() =>
    NatsBus.connect({
      servers: options.natsUrl,
      name: options.clientId,
      logger: options.logger,
      writeDelayMs: options.natsWriteDelayMs,
      security: options.security?.nats,
    }),
  );
  return { RELIABLE, FAST, close: () => resources.close() };
}

/** Embedded mode and unit tests: both lanes on one in-process broker, with each lane's semantics. */
export function memoryLanes(broker: MemoryBroker): Lanes {
  const RELIABLE = new MemoryBus(broker, 'RELIABLE');
  const FAST = new MemoryBus(broker, 'FAST');
  return { RELIABLE, FAST, close: async () => void (await Promise.all([RELIABLE.close(), FAST.close()])) };
}
