import { Module, type DynamicModule } from '@nestjs/common';
import { WsLinkTransport } from '@linker/domain-link';
import { closeOnShutdown } from '@linker/lifecycle';
import { createLogger, type Logger } from '@linker/observability';
import type { TopologySource } from '@linker/topology';
import type { ProcessorConfig } from './config/processor.config';
import { openProcessorInfrastructure, type ProcessorInfrastructure } from './infrastructure/processor-infrastructure';
import { createProcessor, type FederationDeps, type Processor } from './processor';
import { startOpsServer } from './health/ops-server';
import { processorMetrics } from './health/processor-metrics';
import { INFRASTRUCTURE, LOGGER, OPS, PROCESSOR, PROCESSOR_CONFIG, TOPOLOGY } from './tokens';
import { openProcessorTopology } from './topology/processor-topology';

/**
 * Composition root of the processor: binds each port to its adapter and builds the `Processor` once. Nest composes;
 * it does not run the hot path. The processor starts consuming once the whole application is up
 * (`onApplicationBootstrap`) and stops in `onModuleDestroy`, before the infrastructure closes (`onApplicationShutdown`).
 */
@Module({})
export class ProcessorModule {
  static register(config: ProcessorConfig): DynamicModule {
    return {
      module: ProcessorModule,
      providers: [
        { provide: PROCESSOR_CONFIG, useValue: config },
        { provide: LOGGER, useValue: createLogger('processor', config.logLevel).child({ domain: config.domain, processor: config.name }) },
        { provide: INFRASTRUCTURE, inject: [LOGGER], useFactory: async (logger: Logger) => closeOnShutdown(await openProcessorInfrastructure(config, logger)) },
        { provide: TOPOLOGY, inject: [LOGGER], useFactory: async (logger: Logger) => closeOnShutdown(await openProcessorTopology(config, logger)) },
        {
          provide: PROCESSOR,
          inject: [LOGGER, INFRASTRUCTURE, TOPOLOGY],
          useFactory: (logger: Logger, infrastructure: ProcessorInfrastructure, topology: TopologySource) => {
            const processor = createProcessor({
              config,
              lanes: infrastructure.lanes,
              presence: infrastructure.presence,
              mailbox: infrastructure.mailbox,
              topology: () => topology.current(),
              logger,
              federation: federationOf(config),
            });
            topology.onChange((view, version) => processor.topologyChanged(view, version));
            return runWithNest(processor);
          },
        },
        {
          provide: OPS,
          inject: [PROCESSOR, LOGGER],
          useFactory: async (processor: Processor, logger: Logger) => closeOnShutdown(await openOps(config, processor, logger)),
        },
      ],
    };
  }
}

/** `GET /metrics` and `/health` when `LINKER_METRICS_PORT` is set. */
async function openOps(config: ProcessorConfig, processor: Processor, logger: Logger): Promise<{ close(): Promise<void> }> {
  if (config.metricsPort === undefined) return { close: async () => undefined };
  const server = await startOpsServer(config.metricsHost, config.metricsPort, processorMetrics(() => processor.health()), () => processor.health());
  logger.info('metrics served', { url: `${server.url}/metrics` });
  return server;
}

/** Links over WebSockets when a link secret is configured (ADR 0009). */
function federationOf(config: ProcessorConfig): FederationDeps | undefined {
  const secret = config.linkSecret;
  if (secret === undefined) return undefined;
  return {
    transport: new WsLinkTransport(),
    secretFor: () => secret,
    listen: config.linkListen,
    listenHost: config.linkHost,
    listenPort: config.linkPort,
    failoverMs: config.linkFailoverMs,
  };
}

/** Give the processor the hooks Nest calls: start when the application is up, stop before connections close. */
function runWithNest(processor: Processor): Processor & { onApplicationBootstrap(): Promise<void>; onModuleDestroy(): Promise<void> } {
  return Object.assign(processor, { onApplicationBootstrap: () => processor.start(), onModuleDestroy: () => processor.stop() });
}
