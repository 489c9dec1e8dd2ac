import { Module, type DynamicModule } from '@nestjs/common';
import { closeOnShutdown, runningService } from '@linker/lifecycle';
import { createLogger, type Logger } from '@linker/observability';
import { openTopologySource, type TopologySource } from '@linker/topology';
import { metaServerSink } from './analytics/analytics-reporter';
import type { ProcessorConfig } from './config/processor.config';
import { openProcessorInfrastructure, type ProcessorInfrastructure } from './infrastructure/processor-infrastructure';
import { openProcessor } from './open-processor';
import { INFRASTRUCTURE, LOGGER, PROCESSOR, PROCESSOR_CONFIG, TOPOLOGY } from './tokens';

/**
 * Composition root of the processor in real mode: the real services and the topology's source, opened from the
 * configuration, then `openProcessor` on them, as the embedded mode does on its twins. Nest composes; it does not run
 * the hot path. The processor starts once the whole application is up and stops before the services' connections
 * close (`runningService`).
 */
@Module({})
export class ProcessorModule {
  static register(config: ProcessorConfig): DynamicModule {
    return {
      module: ProcessorModule,
      providers: [
        { provide: PROCESSOR_CONFIG, useValue: config },
        {
          provide: LOGGER,
          useValue: createLogger('processor', config.logLevel, undefined, config.logFormat).child({
            domain: config.domain,
            processor: config.name,
          }),
        },
        {
          provide: INFRASTRUCTURE,
          inject: [LOGGER],
          useFactory: async (logger: Logger) => closeOnShutdown(await openProcessorInfrastructure(config, logger)),
        },
        { provide: TOPOLOGY, inject: [LOGGER], useFactory: async (logger: Logger) => closeOnShutdown(await openTopology(config, logger)) },
        {
          provide: PROCESSOR,
          inject: [INFRASTRUCTURE, TOPOLOGY, LOGGER],
          useFactory: (
            { lanes, presence, mailbox, history, analytics }: ProcessorInfrastructure,
            topology: TopologySource,
            logger: Logger,
          ) =>
            openProcessor(config, { lanes, presence, mailbox, history, analytics, reportAnalytics: reportSink(config), topology, logger }),
        },
        runningService(PROCESSOR),
      ],
    };
  }
}

/** The domain's analytics go to the meta-server when it is known, with the internal token; else nowhere. */
function reportSink({ metaServerUrl, internalToken }: ProcessorConfig) {
  return metaServerUrl !== undefined && internalToken !== undefined ? metaServerSink(metaServerUrl, internalToken) : undefined;
}

/**
 * The meta-server's topology when `LINKER_META_SERVER_URL` is set (with `LINKER_INTERNAL_TOKEN`, from its internal
 * read, secrets included; without, masked: `jwtSecret` apps fail closed), else the file `LINKER_TOPOLOGY_FILE`.
 */
function openTopology(config: ProcessorConfig, logger: Logger): Promise<TopologySource> {
  const { domain, name, metaServerUrl, topologyCacheFile, topologyFile, internalToken: token, startupTimeoutMs } = config;
  return openTopologySource({ domain, name, metaServerUrl, topologyCacheFile, topologyFile, token, startupTimeoutMs, logger });
}
