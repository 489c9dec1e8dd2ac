import { Type, type TSchema } from '@sinclair/typebox';
import {
  ApiAnalyticsReport,
  ApiChannel,
  ApiDisconnectAccepted,
  ApiDisconnectRequest,
  ApiMessageAccepted,
  ApiMessageRequest,
  ApiPresence,
  ApiPublished,
  ApiPublishRequest,
  type ApiErrorCode,
} from '@linker/contracts';
import { ApiFailure } from './api-failure';

/** Every server API path starts with this. */
export const API_PREFIX = '/api/v1/';

/** One endpoint as the router matches it and the OpenAPI document describes it. */
export interface RouteSpec {
  method: 'GET' | 'POST';
  /** With `{name}` for a path parameter (one segment). */
  path: string;
  summary: string;
  /** Served without a key. */
  public?: boolean;
  /** Its query parameters (all optional, whole numbers), each with what it is. */
  query?: Record<string, string>;
  /** The JSON body it takes; `required: false`: it may be left out (as if `{}`). */
  body?: { schema: TSchema; required: boolean };
  success: { status: number; description: string; schema: TSchema };
  /** The error codes it may answer with, besides those every endpoint may (`COMMON_ERRORS`). */
  errors: ApiErrorCode[];
}

/** What any endpoint that needs a key may answer. */
export const COMMON_ERRORS: ApiErrorCode[] = ['UNAUTHENTICATED', 'RATE_LIMITED', 'UNAVAILABLE'];
/** What any endpoint that takes a body may answer, besides `COMMON_ERRORS`. */
export const BODY_ERRORS: ApiErrorCode[] = ['MALFORMED_JSON', 'INVALID_FIELD', 'TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

/** The endpoints, by operation id: the router's table and the OpenAPI document's. */
export const API_ROUTES = {
  sendMessage: {
    method: 'POST',
    path: '/api/v1/messages',
    summary:
      "Send a MESSAGE to one or more users, as the app's master user or as `from`; 202 once the lane holds every recipient's message.",
    body: { schema: ApiMessageRequest, required: true },
    success: { status: 202, description: 'Accepted by the lane: RELIABLE is never lost from now on.', schema: ApiMessageAccepted },
    errors: ['UNKNOWN_RECIPIENT_APP', 'UNREACHABLE_DOMAIN', 'OVERLOADED', 'INTERNAL_ERROR'],
  },
  userPresence: {
    method: 'GET',
    path: '/api/v1/users/{userId}/presence',
    summary: "Whether a user of the key's app is online in its home domain (this one), and with how many sockets.",
    success: { status: 200, description: "The user's presence.", schema: ApiPresence },
    errors: ['INVALID_FIELD', 'NOT_ALLOWED', 'UNKNOWN_RECIPIENT_APP', 'UNREACHABLE_DOMAIN', 'NOT_HOME_DOMAIN'],
  },
  disconnectUser: {
    method: 'POST',
    path: '/api/v1/users/{userId}/disconnect',
    summary:
      "Close every socket of a user of the key's app with 4003 CLOSED_BY_MASTER, in its home domain, as the app's master user's CLOSE_CONNECTION does.",
    body: { schema: ApiDisconnectRequest, required: false },
    success: { status: 202, description: 'The CLOSE_CONNECTION is held by the RELIABLE lane.', schema: ApiDisconnectAccepted },
    errors: ['NOT_ALLOWED', 'UNKNOWN_RECIPIENT_APP', 'OVERLOADED', 'INTERNAL_ERROR'],
  },
  publishToChannel: {
    method: 'POST',
    path: '/api/v1/channels/{channel}/publications',
    summary:
      "Publish to a channel of the key's app (whatever its rule says of clients); 202 once the lane holds it, with the channel's subscribers in this domain.",
    body: { schema: ApiPublishRequest, required: true },
    success: { status: 202, description: 'Accepted by the lane.', schema: ApiPublished },
    errors: ['UNKNOWN_CHANNEL', 'OVERLOADED', 'INTERNAL_ERROR'],
  },
  channelInfo: {
    method: 'GET',
    path: '/api/v1/channels/{channel}',
    summary: "How many sockets are subscribed to a channel of the key's app in this domain.",
    success: { status: 200, description: "The channel's subscribers here.", schema: ApiChannel },
    errors: ['UNKNOWN_CHANNEL'],
  },
  analytics: {
    method: 'GET',
    path: '/api/v1/analytics',
    summary:
      "The key's app's analytics in this domain, per slice (an hour by default): messages by lane and type, deliveries, stored, fetched, dead-lettered, publications, the app's own events, and unique users.",
    query: {
      from: 'Start, epoch ms (default: 24 hours before `to`); its slice is included.',
      to: 'End, epoch ms (default: now); its slice is included.',
    },
    success: { status: 200, description: 'The slices with something counted, oldest first.', schema: ApiAnalyticsReport },
    errors: ['INVALID_FIELD', 'NOT_FOUND'],
  },
  openApi: {
    method: 'GET',
    path: '/api/v1/openapi.json',
    summary: 'This document (OpenAPI 3.1). No key needed.',
    public: true,
    success: { status: 200, description: 'The OpenAPI document.', schema: Type.Object({}, { additionalProperties: true }) },
    errors: [],
  },
} satisfies Record<string, RouteSpec>;

export type OperationId = keyof typeof API_ROUTES;

/** A request's endpoint and its path parameters (decoded). */
export interface RouteMatch {
  operation: OperationId;
  spec: RouteSpec;
  params: Record<string, string>;
}

interface CompiledRoute {
  operation: OperationId;
  spec: RouteSpec;
  pattern: RegExp;
  names: string[];
}

const COMPILED: CompiledRoute[] = Object.entries(API_ROUTES).map(([operation, spec]: [string, RouteSpec]) => {
  const names: string[] = [];
  const source = spec.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_all, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { operation: operation as OperationId, spec, pattern: new RegExp(`^${source}$`), names };
});

/**
 * The endpoint of `method` and `url` (its query ignored). No endpoint has the path: 404 NOT_FOUND; one has it but not
 * the method: 405 METHOD_NOT_ALLOWED with `Allow`. A parameter that is not valid percent-encoding: 400 INVALID_FIELD.
 */
export function matchRoute(method: string, url: string): RouteMatch {
  const path = url.split('?', 1)[0];
  const allowed: string[] = [];
  for (const route of COMPILED) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    if (route.spec.method !== method) {
      allowed.push(route.spec.method);
      continue;
    }
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = decodeParam(name, found[i + 1])));
    return { operation: route.operation, spec: route.spec, params };
  }
  if (allowed.length > 0) {
    throw new ApiFailure('METHOD_NOT_ALLOWED', `${method.slice(0, 16)} is not allowed here: use ${allowed.join(', ')}`, {
      allow: allowed.join(', '),
    });
  }
  throw new ApiFailure('NOT_FOUND', `no endpoint ${path.slice(0, 128)}: see ${API_PREFIX}openapi.json`);
}

function decodeParam(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiFailure('INVALID_FIELD', `${name}: not valid percent-encoding`);
  }
}
