import { readReport } from '@linker/analytics';
import type { ConnectorAnalytics } from '../analytics/connector-analytics';
import { timestampParam } from '../analytics/timestamp-param';
import { ApiFailure } from './api-failure';
import type { ApiAnswer, ApiCall } from './endpoints';

const DAY_MS = 86_400_000;

/**
 * `GET /api/v1/analytics?from=&to=`: the key's app's `AnalyticsReport` in this domain (both ends' slices included,
 * this connector's own counts written first). 404 NOT_FOUND when this connector keeps no analytics.
 */
export async function analyticsReport(domain: string, analytics: ConnectorAnalytics | undefined, call: ApiCall): Promise<ApiAnswer> {
  if (analytics === undefined) throw new ApiFailure('NOT_FOUND', 'this connector keeps no analytics');
  const to = timestampParam(call.query, 'to', call.now);
  const from = timestampParam(call.query, 'from', to - DAY_MS);
  if (from > to) throw new ApiFailure('INVALID_FIELD', `from: ${from} is after to (${to})`);
  await analytics.recorder.flush();
  return { status: 200, body: await readReport(analytics.store, domain, call.app.appName, from, to) };
}
