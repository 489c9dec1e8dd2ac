import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from './health/health.controller';
import { ClientAppsController } from './http/client-apps.controller';
import { DomainsController } from './http/domains.controller';
import { INTERNAL_TOKEN, InternalTopologyController } from './http/internal-topology.controller';
import { TopologyController } from './http/topology.controller';
import { TopologyStore } from './topology/topology-store';

/** Composition root of the meta-server: the topology store, and the thin HTTP controllers that read it. */
@Module({})
export class MetaServerModule {
  /** The module serving `store`; `internalToken` (unset: none) opens `GET /internal/topology` to its holders. */
  static register(store: TopologyStore, internalToken?: string): DynamicModule {
    return {
      module: MetaServerModule,
      controllers: [HealthController, ClientAppsController, DomainsController, TopologyController, InternalTopologyController],
      providers: [
        { provide: TopologyStore, useValue: store },
        { provide: INTERNAL_TOKEN, useValue: internalToken ?? null },
      ],
    };
  }
}
