import { Module, type DynamicModule } from '@nestjs/common';
import { closeOnShutdown } from '@linker/lifecycle';
import { createLogger, type Logger } from '@linker/observability';
import type { ProcessorConfig } from './config/processor.config';
import { openProcessorInfrastructure } from './infrastructure/processor-infrastructure';
import { INFRASTRUCTURE, LOGGER, PROCESSOR_CONFIG } from './tokens';

/** Composition root of the processor: binds each port to its adapter. Nest composes; it does not run the hot path. */
@Module({})
export class ProcessorModule {
  static register(config: ProcessorConfig): DynamicModule {
    return {
      module: ProcessorModule,
      providers: [
        { provide: PROCESSOR_CONFIG, useValue: config },
        { provide: LOGGER, useValue: createLogger('processor', config.logLevel).child({ domain: config.domain, processor: config.name }) },
        { provide: INFRASTRUCTURE, inject: [LOGGER], useFactory: async (logger: Logger) => closeOnShutdown(await openProcessorInfrastructure(config, logger)) },
      ],
    };
  }
}
