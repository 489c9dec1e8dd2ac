import type { IncomingMessage, ServerResponse } from 'node:http';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import type { ApiErrorCode } from '@linker/contracts';
import { errorMessage, type Clock } from '@linker/kernel';
import type { Logger } from '@linker/observability';
import type { Presence } from '@linker/presence';
import type { ClientApp, TopologyView } from '@linker/topology';
import type { IntakePublisher } from '../ingress/intake-publisher';
import type { LaneBacklog } from '../ingress/lane-backlog';
import { UserRates } from '../ingress/user-rates';
import type { ConnectorAnalytics } from '../analytics/connector-analytics';
import { analyticsReport } from './analytics-endpoint';
import { ApiFailure, isApiFailure } from './api-failure';
import { ApiKeys } from './api-keys';
import { API_ROUTES, matchRoute, type OperationId, type RouteMatch } from './api-routes';
import {
  disconnectUser,
  sendMessage,
  userPresence,
  type ApiAnswer,
  type ApiCall,
  type EndpointDeps,
  PRESENCE_DEADLINE_MS,
} from './endpoints';
import { LaneGate } from './lane-gate';
import { openApiDocument } from './openapi';
import { channelInfo, publishToChannel } from './channel-endpoints';
import { checked, discardRest, hasBody, readJson } from './request-body';

export interface ServerApiLimits {
  maxBodyBytes: number;
  maxFrameBytes: number;
  maxGroupRecipients: number;
  groupRecipientsPerToken: number;
  /** Requests per second per key, and the burst. */
  rateLimit: number;
  rateBurst: number;
}

export interface ServerApiOptions {
  domain: string;
  topology: () => TopologyView;
  intake: IntakePublisher;
  backlog: LaneBacklog;
  presence: Presence;
  clock: Clock;
  logger: Logger;
  limits: ServerApiLimits;
  /** What `GET /api/v1/analytics` reads; absent: it answers 404. */
  analytics?: ConnectorAnalytics;
  /** False while the connector drains (or before it runs): every request gets 503 UNAVAILABLE. */
  serving(): boolean;
}

type Endpoint = (call: ApiCall) => Promise<ApiAnswer>;

const DRAINING_RETRY_MS = 1_000;

/**
 * The server API (docs/protocol.md, Server API) on the client port: `handle` takes every request under `/api/v1/`.
 * Plain Node request/response, no framework: route (404, 405) → draining (503) → the key (401, before the body is
 * read: a wrong key costs no bus traffic and no presence read) → the key's rate (429) → the body (415, 413, 400) →
 * the endpoint, which checks the whole request before it publishes anything. Every answer is JSON; every error is
 * `{code, message}` and is counted by code (`refusals`) and logged at debug level, never with the key.
 */
export class ServerApi {
  private readonly keys: ApiKeys;
  private readonly rates: UserRates;
  /** Every endpoint but the OpenAPI document (public, served as it is). */
  private readonly endpoints: Record<Exclude<OperationId, 'openApi'>, Endpoint>;
  private readonly checks = new Map<OperationId, TypeCheck<TSchema>>();
  private readonly refused = new Map<ApiErrorCode, number>();
  private answered = 0;
  private openApi: string | undefined;

  constructor(private readonly options: ServerApiOptions) {
    const { limits, clock } = options;
    this.keys = new ApiKeys(options.topology);
    this.rates = new UserRates(limits.rateLimit, limits.rateBurst, clock.now());
    const deps: EndpointDeps = {
      domain: options.domain,
      intake: options.intake,
      gate: new LaneGate(options.intake, options.backlog, options.logger),
      presence: options.presence,
      maxFrameBytes: limits.maxFrameBytes,
      maxGroupRecipients: limits.maxGroupRecipients,
      groupRecipientsPerToken: limits.groupRecipientsPerToken,
      presenceDeadlineMs: PRESENCE_DEADLINE_MS,
      charge: (app, now, cost) => this.charge(app, now, cost),
    };
    this.endpoints = {
      sendMessage: (call) => sendMessage(deps, call),
      userPresence: (call) => userPresence(deps, call),
      disconnectUser: (call) => disconnectUser(deps, call),
      publishToChannel: (call) => publishToChannel(deps, call),
      channelInfo: (call) => channelInfo(deps, call),
      analytics: (call) => analyticsReport(options.domain, options.analytics, call),
    };
    for (const [operation, spec] of Object.entries(API_ROUTES)) {
      if ('body' in spec) this.checks.set(operation as OperationId, TypeCompiler.Compile(spec.body.schema));
    }
  }

  /** Answer one request (never rejects: an unexpected failure is answered 500 and logged). */
  handle(request: IncomingMessage, response: ServerResponse): void {
    this.answer(request, response).catch((error: unknown) => {
      this.options.logger.warn('server API request failed', { error: errorMessage(error) });
      if (!response.headersSent) this.fail(request, response, new ApiFailure('INTERNAL_ERROR', 'unexpected failure: retry'));
      else response.destroy();
    });
  }

  /** Answers so far: 2xx, and refusals by code (for `GET /health`). */
  counts(): { answered: number; refused: Partial<Record<ApiErrorCode, number>> } {
    return { answered: this.answered, refused: Object.fromEntries(this.refused) };
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let route: RouteMatch;
    let result: ApiAnswer;
    try {
      route = matchRoute(request.method ?? '', request.url ?? '');
      if (!this.options.serving()) {
        throw new ApiFailure('UNAVAILABLE', 'the connector is shutting down: retry on another', { retryAfterMs: DRAINING_RETRY_MS });
      }
      if (route.operation === 'openApi') return this.send(response, 200, (this.openApi ??= JSON.stringify(openApiDocument())));
      result = await this.endpoints[route.operation](await this.call(request, route));
    } catch (error) {
      if (!isApiFailure(error)) throw error;
      return this.fail(request, response, error);
    }
    this.answered += 1;
    this.send(response, result.status, JSON.stringify(result.body));
  }

  /** The key's app, its rate, then the body: what every endpoint but the public one needs. */
  private async call(request: IncomingMessage, route: RouteMatch): Promise<ApiCall> {
    const now = this.options.clock.now();
    const found = this.keys.appOf(request.headers.authorization);
    if (found === undefined) throw new ApiFailure('UNAUTHENTICATED', 'give Authorization: Bearer <apiKey>, the apiKey of your app');
    this.charge(found.app, now, 1);
    const check = this.checks.get(route.operation);
    let body: unknown;
    if (check !== undefined && (route.spec.body?.required || hasBody(request))) {
      body = checked(check, await readJson(request, this.options.limits.maxBodyBytes));
    }
    const query = new URL(request.url ?? '', 'http://client-port').searchParams;
    return { ...found, params: route.params, query, body, now };
  }

  private charge(app: ClientApp, now: number, cost: number): void {
    if (this.rates.take(app.appName, now, 0, cost)) return;
    const { rateLimit } = this.options.limits;
    throw new ApiFailure('RATE_LIMITED', `more than ${rateLimit} requests per second with this key: nothing was done`, {
      retryAfterMs: Math.ceil((cost * 1000) / rateLimit),
    });
  }

  private fail(request: IncomingMessage, response: ServerResponse, failure: ApiFailure): void {
    this.refused.set(failure.code, (this.refused.get(failure.code) ?? 0) + 1);
    this.options.logger.debug('server API request refused', {
      code: failure.code,
      method: request.method,
      path: (request.url ?? '').split('?', 1)[0].slice(0, 128),
      address: request.socket.remoteAddress,
    });
    // A body refused before it was read whole is dropped after the answer, up to a limit (`discardRest`).
    if (hasBody(request) && !request.complete) response.once('finish', () => discardRest(request));
    this.send(response, failure.status, JSON.stringify(failure.body()), failure.headers());
  }

  private send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(body);
  }
}
