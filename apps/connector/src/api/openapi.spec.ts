import { API_ERROR_CODES, ApiError, ApiMessageRequest } from '@linker/contracts';
import { API_ROUTES, BODY_ERRORS, COMMON_ERRORS, type RouteSpec } from './api-routes';
import { openApiDocument } from './openapi';

// No OpenAPI validator is among the project's packages: this checks the document's structure against the parts of
// OpenAPI 3.1 it uses, and that it says what the router and the schemas do.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON document, read field by field

const doc = openApiDocument() as Json;
const routes = Object.entries(API_ROUTES) as Array<[string, RouteSpec]>;
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with info, paths and components, and plain JSON', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: expect.any(String), version: '1', description: expect.any(String) });
    expect(doc.components.securitySchemes.apiKey).toEqual({ type: 'http', scheme: 'bearer', description: expect.any(String) });
    expect(plain(doc)).toEqual(doc);
  });

  it('describes every endpoint of the router, by its method and path, and nothing else', () => {
    const described = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([method, op]) => [(op as Json).operationId, method.toUpperCase(), path]),
    );
    expect(described.sort()).toEqual(routes.map(([id, spec]) => [id, spec.method, spec.path]).sort());
  });

  it.each(routes)('gives %s its parameters, body, answer and every error it may give, with the error body', (id, spec) => {
    const op = doc.paths[spec.path][spec.method.toLowerCase()] as Json;
    const names = [...spec.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
    const query = Object.keys(spec.query ?? {}).map((name) => [name, 'query', false]);
    expect((op.parameters ?? []).map((p: Json) => [p.name, p.in, p.required])).toEqual([
      ...names.map((name) => [name, 'path', true]),
      ...query,
    ]);
    expect(op.requestBody?.content['application/json'].schema).toEqual(spec.body ? plain(spec.body.schema) : undefined);
    expect(op.responses[String(spec.success.status)].content['application/json'].schema).toEqual(plain(spec.success.schema));
    const codes = new Set([...(spec.public ? [] : COMMON_ERRORS), ...(spec.body ? BODY_ERRORS : []), ...spec.errors]);
    const statuses = [...new Set([...codes].map((code) => String(API_ERROR_CODES[code].status)))];
    expect(Object.keys(op.responses).sort()).toEqual([String(spec.success.status), ...statuses].sort());
    for (const status of statuses) {
      expect(op.responses[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
      for (const code of codes)
        if (String(API_ERROR_CODES[code].status) === status) expect(op.responses[status].description).toContain(code);
      if (['429', '503'].includes(status)) expect(Object.keys(op.responses[status].headers)).toEqual(['Retry-After']);
    }
    expect(op.security).toEqual(spec.public ? [] : [{ apiKey: [] }]);
  });

  it('has the error body {code, message} with every code of the table, and the message body as validated', () => {
    expect(doc.components.schemas.Error).toEqual(plain(ApiError));
    expect(doc.components.schemas.Error.properties.code.anyOf.map((c: Json) => c.const)).toEqual(Object.keys(API_ERROR_CODES));
    expect(doc.components.schemas.Error.required).toEqual(['code', 'message']);
    expect(doc.paths['/api/v1/messages'].post.requestBody.content['application/json'].schema).toEqual(plain(ApiMessageRequest));
  });

  it('has every $ref pointing at something in the document', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const target = (JSON.parse(`{${ref}}`) as { $ref: string }).$ref.replace(/^#\//, '').split('/');
      expect(target.reduce<Json | undefined>((node, key) => node?.[key], doc)).toBeDefined();
    }
  });
});
