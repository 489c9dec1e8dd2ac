import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { INFRASTRUCTURE } from '../tokens';
import type { ConnectorInfrastructure } from './connector-infrastructure';

/** Closes the connections to the services last, after everything that uses them has stopped. */
@Injectable()
export class InfrastructureLifecycle implements OnApplicationShutdown {
  constructor(@Inject(INFRASTRUCTURE) private readonly infrastructure: ConnectorInfrastructure) {}

  async onApplicationShutdown(): Promise<void> {
    await this.infrastructure.close();
  }
}
