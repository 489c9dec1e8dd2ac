import { API_ERROR_CODES, ApiError, type ApiErrorCode } from '@linker/contracts';
import { API_ROUTES, BODY_ERRORS, COMMON_ERRORS, type RouteSpec } from './api-routes';

type Json = Record<string, unknown>;

/** What each path parameter is (percent-encoded in the path). */
const PARAMETERS: Record<string, string | undefined> = { userId: 'A user id, `<appName>-<number>` (percent-encoded).' };

/**
 * The OpenAPI 3.1 document of the server API, made from the route table and the TypeBox schemas that validate the
 * bodies (TypeBox schemas are JSON Schema, which OpenAPI 3.1 takes as it is): every endpoint, its parameters, its
 * body, its answer and each error it may give, all with the error body `{code, message}`.
 */
export function openApiDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const [operationId, spec] of Object.entries(API_ROUTES) as Array<[string, RouteSpec]>) {
    paths[spec.path] = { ...paths[spec.path], [spec.method.toLowerCase()]: operation(operationId, spec) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'linker-ts server API',
      version: '1',
      description:
        "HTTP + JSON on every connector's client port, for an app's backend: `Authorization: Bearer <apiKey>` (the app's `apiKey` in the topology). Errors are `{code, message}`; the message names the field.",
    },
    paths,
    components: {
      schemas: { Error: plain(ApiError) },
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: "The app's `apiKey` (clientApps[].apiKey)." } },
    },
  };
}

function operation(operationId: string, spec: RouteSpec): Json {
  const parameters: Json[] = [...spec.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', description: PARAMETERS[name] ?? name },
  }));
  for (const [name, description] of Object.entries(spec.query ?? {})) {
    parameters.push({ name, in: 'query', required: false, schema: { type: 'integer', minimum: 0, description } });
  }
  const codes = new Set<ApiErrorCode>([...(spec.public ? [] : COMMON_ERRORS), ...(spec.body ? BODY_ERRORS : []), ...spec.errors]);
  return {
    operationId,
    summary: spec.summary,
    ...(spec.public ? { security: [] } : { security: [{ apiKey: [] }] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body
      ? { requestBody: { required: spec.body.required, content: { 'application/json': { schema: plain(spec.body.schema) } } } }
      : {}),
    responses: {
      [String(spec.success.status)]: {
        description: spec.success.description,
        content: { 'application/json': { schema: plain(spec.success.schema) } },
      },
      ...errorResponses([...codes]),
    },
  };
}

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } };
/** The headers an error answer of a status carries. */
const HEADERS: Record<number, Json | undefined> = {
  405: { Allow: { description: 'The methods the endpoint takes.', schema: { type: 'string' } } },
  429: RETRY_AFTER,
  503: RETRY_AFTER,
};

/** One response per status, describing each code it may carry. */
function errorResponses(codes: ApiErrorCode[]): Record<string, Json> {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes) {
    const status = API_ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, Json> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const header = HEADERS[status];
    responses[String(status)] = {
      description: list.map((code) => `\`${code}\`: ${API_ERROR_CODES[code].meaning}`).join(' '),
      ...(header === undefined ? {} : { headers: header }),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return responses;
}

/** The schema as plain JSON (TypeBox's symbols dropped). */
function plain(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}
