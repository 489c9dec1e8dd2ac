import { Module, type DynamicModule } from '@nestjs/common';
import { AnalyticsTotals } from './analytics/analytics-totals';
import { HealthController } from './health/health.controller';
import { AnalyticsController } from './http/analytics.controller';
import { ADMIN_TOKEN } from './http/admin-token';
import { ClientAppsController } from './http/client-apps.controller';
import { DomainsController } from './http/domains.controller';
import { InternalTopologyController } from './http/internal-topology.controller';
import { INTERNAL_TOKEN } from './http/internal-token';
import { TopologyEditController } from './http/topology-edit.controller';
import { TopologyRouteController } from './http/topology-route.controller';
import { TopologyController } from './http/topology.controller';
import { META_METER, TopologyWatchController, WATCH_HEARTBEAT_MS } from './http/topology-watch.controller';
import type { MetaServerMeter } from './health/meta-server-metrics';
import { ValidationBudget } from './http/validation-budget';
import { TopologyEditor } from './topology/topology-editor';
import { TopologyStore } from './topology/topology-store';

export interface MetaServerModuleOptions {
  store: TopologyStore;
  editor: TopologyEditor;
  /** The domains' analytics reports and their sums. */
  analytics: AnalyticsTotals;
  /** Opens `GET /internal/topology` to its holders; unset: that endpoint does not exist. */
  internalToken?: string;
  /** Needed by every write; unset: writes are refused. */
  adminToken?: string;
  /** Heartbeat period of `GET /topology/watch`. */
  watchHeartbeatMs: number;
  /** Validation time (ms per second) each client address may use without the admin token; 0: no limit. */
  validateMsPerSecond: number;
  /** Counts the watch streams. */
  meter: MetaServerMeter;
}

/** Composition root of the meta-server: the topology store and its editor, and the thin HTTP controllers over them. */
@Module({})
export class MetaServerModule {
  static register(options: MetaServerModuleOptions): DynamicModule {
    return {
      module: MetaServerModule,
      controllers: [
        HealthController,
        ClientAppsController,
        DomainsController,
        TopologyWatchController,
        TopologyEditController,
        TopologyRouteController,
        TopologyController,
        InternalTopologyController,
        AnalyticsController,
      ],
      providers: [
        { provide: TopologyStore, useValue: options.store },
        { provide: TopologyEditor, useValue: options.editor },
        { provide: AnalyticsTotals, useValue: options.analytics },
        { provide: INTERNAL_TOKEN, useValue: options.internalToken ?? null },
        { provide: ADMIN_TOKEN, useValue: options.adminToken ?? null },
        { provide: WATCH_HEARTBEAT_MS, useValue: options.watchHeartbeatMs },
        { provide: META_METER, useValue: options.meter },
        { provide: ValidationBudget, useValue: new ValidationBudget(options.validateMsPerSecond) },
      ],
    };
  }
}
