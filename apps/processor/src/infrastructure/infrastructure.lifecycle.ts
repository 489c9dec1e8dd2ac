import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { INFRASTRUCTURE } from '../tokens';
import type { ProcessorInfrastructure } from './processor-infrastructure';

/** Closes the connections to the services last, after everything that uses them has stopped. */
@Injectable()
export class InfrastructureLifecycle implements OnApplicationShutdown {
  constructor(@Inject(INFRASTRUCTURE) private readonly infrastructure: ProcessorInfrastructure) {}

  async onApplicationShutdown(): Promise<void> {
    await this.infrastructure.close();
  }
}
