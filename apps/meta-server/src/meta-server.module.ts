import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from './health/health.controller';
import { ClientAppsController } from './http/client-apps.controller';
import { DomainsController } from './http/domains.controller';
import { TopologyController } from './http/topology.controller';
import { TopologyStore } from './topology/topology-store';

/** Composition root of the meta-server: the topology store, and the thin HTTP controllers that read it. */
@Module({})
export class MetaServerModule {
  /** The module serving `store`. */
  static register(store: TopologyStore): DynamicModule {
    return {
      module: MetaServerModule,
      controllers: [HealthController, ClientAppsController, DomainsController, TopologyController],
      providers: [{ provide: TopologyStore, useValue: store }],
    };
  }
}
