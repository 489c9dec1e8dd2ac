import { HttpProblem } from './http';
import { validateTopology } from './meta';

// How the topology editor reads the meta-server's dry run (ADR 0013): a document refused by a limit (422) is shown
// like any invalid one, a refusal of the check itself (429, 503) is an error in words, the admin token goes along.

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('validateTopology', () => {
  const realFetch = globalThis.fetch;
  let sent: RequestInit | undefined;
  const answer = (response: Response) => {
    globalThis.fetch = ((_url: string, init?: RequestInit) => ((sent = init), Promise.resolve(response))) as typeof fetch;
  };
  afterEach(() => {
    globalThis.fetch = realFetch;
    sent = undefined;
  });

  it('turns a 422 refusal into an invalid answer with its problem', async () => {
    const problem = {
      path: '',
      severity: 'error',
      line: 1,
      message: 'lists and mappings are nested more than 32 levels deep; at most 32 are allowed',
    };
    answer(json(422, { statusCode: 422, message: 'the topology is invalid (1 error)', currentVersion: 'abc', problems: [problem] }));
    expect(await validateTopology('domains: [[[', '')).toEqual({ valid: false, currentVersion: 'abc', problems: [problem] });
  });

  it('sends the admin token once one is typed, and nothing otherwise', async () => {
    answer(json(200, { valid: true, currentVersion: 'abc', problems: [] }));
    await validateTopology('x', ' the-token ');
    expect((sent?.headers as Record<string, string>).authorization).toBe('Bearer the-token');
    answer(json(200, { valid: true, currentVersion: 'abc', problems: [] }));
    await validateTopology('x', '');
    expect((sent?.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it("says in words why a check was refused (429: the address's validation time)", async () => {
    const message =
      'this address has used its validation time (100 ms per second, LINKER_META_VALIDATE_MS_PER_SECOND): retry in 3 s, or send the admin token';
    answer(json(429, { statusCode: 429, message }, { 'retry-after': '3' }));
    const refused = validateTopology('x', '');
    await expect(refused).rejects.toThrow(message);
    await expect(refused).rejects.toBeInstanceOf(HttpProblem);
  });
});
