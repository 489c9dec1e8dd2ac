import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from '@linker/observability';
import type { ProcessorConfig } from './config/processor.config';
import { ProcessorModule } from './processor.module';
import { LOGGER } from './tokens';

export interface ProcessorHandle {
  app: INestApplicationContext;
  close(): Promise<void>;
}

/** Start a processor; e2e tests and the embedded mode call this too. */
export async function bootstrapProcessor(config: ProcessorConfig): Promise<ProcessorHandle> {
  const app = await NestFactory.createApplicationContext(ProcessorModule.register(config), { logger: false, abortOnError: false });
  await app.init();
  app.get<Logger>(LOGGER).info('processor ready');
  return { app, close: () => app.close() };
}
