import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerOps, LIVE_PATH, METRICS_PATH, READY_PATH, type Metrics, type Readiness } from '@linker/observability';

/** What a topology write came to: saved, or why not (the editor's outcomes), or `error` (it failed). */
type EditOutcome = 'saved' | 'stale' | 'invalid' | 'unknown-version' | 'error';

/** What the meta-server counts besides its requests. */
export interface MetaServerMeter {
  /** A topology write (`edit`: PUT /topology; `rollback`) ended with `outcome`. */
  edit(operation: 'edit' | 'rollback', outcome: EditOutcome): void;
  /** A `GET /topology/watch` stream opened (+1) or ended (-1). */
  watchers(delta: 1 | -1): void;
}

/** A request handler in front of the framework's routes (Express's `app.use` signature). */
type Middleware = (request: IncomingMessage & { route?: { path?: string } }, response: ServerResponse, next: () => void) => void;

const OPS_PATHS = new Set([METRICS_PATH, LIVE_PATH, READY_PATH]);

/**
 * The meta-server's metrics on `metrics`: `linker_meta_requests_total{method,route,status}` (the route's pattern,
 * e.g. `/topology/rollback/:version`; `unmatched` for a path no route serves, so a scan cannot grow the label set),
 * `linker_meta_topology_edits_total{operation,outcome}` and `linker_meta_watch_subscribers`. Returns the meter and the
 * middleware that counts every request and answers `/metrics`, `/health/live` and `/health/ready`.
 */
export function metaServerMetrics(metrics: Metrics, ready: () => Promise<Readiness>): { meter: MetaServerMeter; middleware: Middleware } {
  const requests = metrics.counter('linker_meta_requests_total', 'meta-server HTTP requests answered, by method, route and status', [
    'method',
    'route',
    'status',
  ]);
  const edits = metrics.counter('linker_meta_topology_edits_total', 'topology writes (edit, rollback), by outcome', [
    'operation',
    'outcome',
  ]);
  const watchers = metrics.gauge('linker_meta_watch_subscribers', 'open GET /topology/watch streams');
  const middleware: Middleware = (request, response, next) => {
    response.once('finish', () => {
      const path = (request.url ?? '').split('?', 1)[0];
      const route = request.route?.path ?? (OPS_PATHS.has(path) ? path : 'unmatched');
      requests.inc({ method: request.method ?? '', route, status: String(response.statusCode) });
    });
    if (!answerOps(request, response, { metrics, ready })) next();
  };
  return {
    meter: { edit: (operation, outcome) => edits.inc({ operation, outcome }), watchers: (delta) => watchers.inc(delta) },
    middleware,
  };
}

/** A meter that counts nothing. */
export const NO_META_METER: MetaServerMeter = { edit: () => undefined, watchers: () => undefined };
