import type { IncomingMessage, ServerResponse } from 'node:http';
import { sliceOf, type AnalyticsRecorder, type AnalyticsStore } from '@linker/analytics';
import { errorMessage } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { TopologyView } from '@linker/topology';
import { ApiFailure, isApiFailure } from '../api/api-failure';
import { ApiKeys } from '../api/api-keys';
import { answerFailure } from '../compat/compat-http';
import { timestampParam } from './timestamp-param';

/** The path the seed's clients use. */
const SEED_ANALYTICS_PATH = '/analytics';
/** Longest `user=` name kept (longer ones are refused). */
const MAX_USER_CHARS = 256;
const DRAINING_RETRY_MS = 1_000;

export interface SeedAnalyticsOptions {
  /** The app whose events and counts the path serves. */
  app: string;
  /** No key needed (trusted networks only). */
  open: boolean;
  topology: () => TopologyView;
  recorder: AnalyticsRecorder;
  store: AnalyticsStore;
  logger: Logger;
  /** Epoch ms. */
  now(): number;
  serving(): boolean;
}

/**
 * The analytics API of the seed's clients on the client port (docs/protocol.md, Analytics), for one app:
 * `POST /analytics?timestamp=<ms>&user=<name>&click` (or `&impression`) → 202 without a body, counted in the slice of
 * the timestamp; `GET /analytics?timestamp=<ms>` → 200 `text/plain` `unique_users,N\nclicks,N\nimpressions,N\n` for
 * that slice. The app's server API key is needed unless `open`. Refusals are the server API's `{code, message}`. An
 * event more than one slice ahead of now is refused (its keys would outlive any retention).
 */
export class SeedAnalytics {
  private readonly keys: ApiKeys;

  constructor(private readonly options: SeedAnalyticsOptions) {
    this.keys = new ApiKeys(options.topology);
  }

  serves(path: string): boolean {
    return path === SEED_ANALYTICS_PATH;
  }

  /** Answer one request on the path (never rejects). */
  handle(request: IncomingMessage, response: ServerResponse): void {
    this.answer(request, response).catch((error: unknown) => {
      const failure = isApiFailure(error)
        ? error
        : new ApiFailure('UNAVAILABLE', `analytics: ${errorMessage(error)}`, { retryAfterMs: 1_000 });
      answerFailure(request, response, failure, this.options.logger);
    });
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!this.options.serving())
      throw new ApiFailure('UNAVAILABLE', 'the connector is shutting down: retry on another', { retryAfterMs: DRAINING_RETRY_MS });
    if (request.method !== 'GET' && request.method !== 'POST') {
      throw new ApiFailure('METHOD_NOT_ALLOWED', `${(request.method ?? '').slice(0, 16)} is not allowed here: use GET, POST`, {
        allow: 'GET, POST',
      });
    }
    this.authorize(request);
    const query = new URL(request.url ?? '', 'http://client-port').searchParams;
    if (request.method === 'POST') {
      this.post(query);
      request.resume();
      response.writeHead(202, { 'cache-control': 'no-store' }).end();
      return;
    }
    const body = await this.summary(timestampParam(query, 'timestamp'));
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(body);
  }

  private authorize(request: IncomingMessage): void {
    const { app, open } = this.options;
    if (this.options.topology().app(app) === undefined) throw new ApiFailure('NOT_FOUND', `analytics: app ${app} is not in the topology`);
    if (open) return;
    if (this.keys.appOf(request.headers.authorization)?.app.appName === app) return;
    throw new ApiFailure('UNAUTHENTICATED', `give Authorization: Bearer <apiKey>, the apiKey of app ${app}`);
  }

  /** One click or impression of `user`, in the slice of `timestamp`. */
  private post(query: URLSearchParams): void {
    const at = timestampParam(query, 'timestamp');
    const sliceMs = this.options.store.settings.sliceSeconds * 1000;
    if (at > this.options.now() + sliceMs) throw new ApiFailure('INVALID_FIELD', 'timestamp: more than one slice in the future');
    const user = query.get('user');
    if (!user) throw new ApiFailure('INVALID_FIELD', 'user: required, the name of the user the event is about');
    if (user.length > MAX_USER_CHARS) throw new ApiFailure('INVALID_FIELD', `user: at most ${MAX_USER_CHARS} characters`);
    const click = query.has('click');
    if (click === query.has('impression')) throw new ApiFailure('INVALID_FIELD', 'click, impression: give exactly one of the two');
    const { recorder, app } = this.options;
    recorder.count(app, click ? 'clicks' : 'impressions', 1, at);
    recorder.user(app, 'event_users', user, at);
  }

  /** The seed's three lines for the slice of `at`, this connector's own events written first. */
  private async summary(at: number): Promise<string> {
    const { recorder, store, app } = this.options;
    await recorder.flush();
    const slice = sliceOf(at, store.settings.sliceSeconds);
    const [found] = await store.read(app, slice, slice);
    const users = found?.uniques.event_users ?? 0;
    return `unique_users,${users}\nclicks,${found?.counters.clicks ?? 0}\nimpressions,${found?.counters.impressions ?? 0}\n`;
  }
}
