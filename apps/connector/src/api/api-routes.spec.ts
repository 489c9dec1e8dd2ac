import { isApiFailure, type ApiFailure } from './api-failure';
import { matchRoute } from './api-routes';

function failureOf(method: string, url: string): ApiFailure {
  try {
    matchRoute(method, url);
  } catch (error) {
    if (isApiFailure(error)) return error;
    throw error;
  }
  throw new Error(`${method} ${url} matched`);
}

describe('matchRoute', () => {
  it('finds each endpoint by method and path, with its parameters decoded and the query ignored', () => {
    expect(matchRoute('POST', '/api/v1/messages?dry=1').operation).toBe('sendMessage');
    expect(matchRoute('GET', '/api/v1/openapi.json').operation).toBe('openApi');
    expect(matchRoute('GET', '/api/v1/users/ANZ-1/presence')).toMatchObject({ operation: 'userPresence', params: { userId: 'ANZ-1' } });
    expect(matchRoute('POST', '/api/v1/users/A%20B/disconnect').params).toEqual({ userId: 'A B' });
  });

  it('is 404 NOT_FOUND for a path no endpoint has, 405 with Allow for a method the path does not take', () => {
    for (const url of ['/api/v1/', '/api/v1/messages/', '/api/v1/users//presence', '/api/v1/users/a/b/presence', '/api/v1/openapiXjson']) {
      expect(failureOf('GET', url)).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    }
    const wrong = failureOf('PUT', '/api/v1/users/ANZ-1/disconnect');
    expect(wrong).toMatchObject({ code: 'METHOD_NOT_ALLOWED', status: 405 });
    expect(wrong.headers()).toEqual({ allow: 'POST' });
  });

  it('is 400 INVALID_FIELD naming the parameter when it is not valid percent-encoding', () => {
    expect(failureOf('GET', '/api/v1/users/%E0%A4%A/presence')).toMatchObject({
      code: 'INVALID_FIELD',
      message: expect.stringMatching(/^userId: /),
    });
  });
});
