import type { AnalyticsReport, ApiPresence, OpsDeadLetters, OpsOverview, OpsReinjected } from '@linker/contracts';
import { getJson } from './http';

/** The operations view's reads and actions on the UI server (`/api/ops/...`) and the meta-server (`/meta/analytics`). */
export const fetchOverview = (signal?: AbortSignal): Promise<OpsOverview> => getJson<OpsOverview>('/api/ops/overview', { signal });

export const fetchDeadLetters = (limit = 100): Promise<OpsDeadLetters> => getJson<OpsDeadLetters>(`/api/ops/dead-letters?limit=${limit}`);

/** Re-inject a dead letter of `domain` (through any of its processors); an `HttpProblem` with the reason otherwise. */
export async function reinject(domain: string, id: string): Promise<OpsReinjected> {
  const path = `/api/ops/domains/${encodeURIComponent(domain)}/dead-letters/${encodeURIComponent(id)}/reinject`;
  return send<OpsReinjected>(path, 'POST');
}

/** A user's presence through a connector's server API, with the app's API key the operator typed. */
export const userPresence = (userId: string, apiKey: string): Promise<ApiPresence> =>
  send<ApiPresence>(`/api/ops/users/${encodeURIComponent(userId)}/presence`, 'GET', apiKey);

/** Close every socket of a user (the app's master user's CLOSE_CONNECTION), with the app's API key. */
export const disconnectUser = (userId: string, apiKey: string): Promise<unknown> =>
  send(`/api/ops/users/${encodeURIComponent(userId)}/disconnect`, 'POST', apiKey);

/** An app's per-slice analytics between `from` and `to` (epoch ms), summed over the domains that report them. */
export const fetchAnalytics = (app: string, from: number, to: number): Promise<AnalyticsReport> =>
  getJson<AnalyticsReport>(`/meta/analytics/${encodeURIComponent(app)}?from=${from}&to=${to}`);

/** `getJson` with a method and, for the server API, the app's key as a bearer token. */
function send<T>(path: string, method: 'GET' | 'POST', apiKey?: string): Promise<T> {
  return getJson<T>(path, { method, headers: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` } });
}
