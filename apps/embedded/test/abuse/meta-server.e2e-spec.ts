import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { runAbuseCase, startEmbeddedDomain, waitFor, wellBehavedPair, type EmbeddedDomain } from '@linker/testing';
import {
  countByStatus,
  openFilesOf,
  rawConnection,
  rawConnections,
  statusLine,
  type RawConnection,
} from '@linker/testing/e2e/raw-connection';
import { MAX_ALIASES, MAX_TOPOLOGY_DEPTH, MAX_TOPOLOGY_TOKENS, readTopologyFile } from '@linker/topology';

// Abuse of the topology API of an embedded domain (its meta-server runs on the event loop that moves the messages):
// writes without the token, documents too large, alias bombs, deep nesting, tens of thousands of keys, invalid
// topologies, a flood of connections that send nothing. Each is refused with its documented status within a bounded
// time, the topology stays as it was (same ETag, same history) and the domain's pair keeps chatting.

const SINGLE = join(__dirname, '../../../../topologies/single-domain.yaml');
const APP_ID = 'app-id-343';
const ADMIN = 'admin-token-of-the-meta-abuse-test-0123456789';
/** Longest time a refusal may take (measured: well under 0.5 s; the machine may be loaded). */
const REFUSAL_MS = 5_000;
/** A request that gets no answer within this fails the case (instead of hanging it). */
const REQUEST_TIMEOUT_MS = 20_000;
/** The meta-server's defaults (embedded mode takes no setting for them): LINKER_META_REQUEST_TIMEOUT_MS, …_MAX_CONNECTIONS. */
const META_REQUEST_TIMEOUT_MS = 10_000;
const META_MAX_CONNECTIONS = 1_000;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  ms: number;
}

interface Refusal {
  message: string;
  currentVersion?: string;
  problems: Array<{ path: string; severity: string; message: string; line?: number }>;
}

const nested = `domains: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
const keys = (count: number): string => `domains: [{name: d}]\n${Array.from({ length: count }, (_, i) => `k${i}: 1\n`).join('')}`;

/** "Billion laughs": nine levels of nine aliases to the level below (72 aliases, 9^9 strings once expanded). */
function billionLaughs(): string {
  const lines = [`l0: &l0 [${Array(9).fill('"lol"').join(', ')}]`];
  for (let level = 1; level < 9; level++)
    lines.push(
      `l${level}: &l${level} [${Array(9)
        .fill(`*l${level - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

/** A bomb within the alias count: eight levels of four aliases (32), 4^8 × 10 strings once expanded. */
function quietBomb(): string {
  const lines = [`l0: &l0 [${Array(10).fill('"x"').join(', ')}]`];
  for (let level = 1; level <= 8; level++)
    lines.push(
      `l${level}: &l${level} [${Array(4)
        .fill(`*l${level - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

describe('abuse: the topology API', () => {
  jest.setTimeout(90_000);
  let domain: EmbeddedDomain;
  let yaml = '';
  /** One connection at most, kept alive and reused from request to request, as a browser or fetch would. */
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const raw: RawConnection[] = [];
  const pairOf = (base: number) => wellBehavedPair(domain.connectorUrls[0], APP_ID, (n) => `ANZ-${base + n}`);

  beforeAll(async () => {
    const { topology } = await readTopologyFile(SINGLE);
    domain = await startEmbeddedDomain({ topology, domain: 'domain-01', env: { LINKER_ADMIN_TOKEN: ADMIN } });
    yaml = (await send('GET', '/topology')).text;
  });

  afterEach(() => {
    for (const connection of raw.splice(0)) connection.socket.destroy();
  });

  afterAll(async () => {
    agent.destroy();
    await domain?.close();
  });

  function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const request = httpRequest(`${domain.metaServerUrl}${path}`, { method, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString(),
            ms: Date.now() - started,
          }),
        );
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error(`${method} ${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      request.on('error', (error) => reject(new Error(`${method} ${path} failed after ${Date.now() - started} ms: ${error.message}`)));
      request.end(body);
    });
  }

  const validate = (body: string): Promise<Answer> => send('POST', '/topology/validate', body);
  const put = (body: string, version: string, authorization = `Bearer ${ADMIN}`): Promise<Answer> =>
    send('PUT', '/topology', body, { authorization, 'if-match': `"${version}"`, 'content-type': 'application/yaml' });

  /** The version served (ETag) and how many versions the history holds. */
  async function state(): Promise<{ version: string; history: number }> {
    const served = await send('GET', '/topology');
    expect(served.status).toBe(200);
    const history = JSON.parse((await send('GET', '/topology/history')).text) as unknown[];
    return { version: JSON.parse(served.headers.etag as string) as string, history: history.length };
  }

  /** `answer` has `status`, came within `bound` ms, and (422) names `message` in its one problem or among them. */
  function refused(answer: Answer, status: number, message?: string | RegExp, bound = REFUSAL_MS): Refusal {
    expect({ status: answer.status, text: answer.text.slice(0, 300) }).toEqual({ status, text: expect.any(String) });
    expect(answer.ms).toBeLessThan(bound);
    const body = JSON.parse(answer.text) as Refusal;
    if (message !== undefined)
      expect(body.problems).toEqual(
        expect.arrayContaining([expect.objectContaining({ severity: 'error', message: expect.stringMatching(message) })]),
      );
    return body;
  }

  /** The abuse `run`, then: the topology unchanged, the process alive and not out of stack or memory. */
  async function unchangedAfter(run: (version: string) => Promise<void>): Promise<void> {
    const before = await state();
    await run(before.version);
    expect(await state()).toEqual(before);
    expect(domain.process.child.exitCode).toBeNull();
    expect(domain.process.output()).not.toMatch(/out of memory|Maximum call stack/);
  }

  it('topology writes without the admin token are refused with 401', async () => {
    const edited = yaml.replace(
      'domainLinks: []',
      '  - { name: domain-99, urls: [ "ws://127.0.0.1:1", "ws://127.0.0.1:2" ] }\ndomainLinks: []',
    );
    const result = await runAbuseCase({
      name: 'topology write without the token',
      abuse: 'PUT /topology and POST /topology/rollback without the admin token, and with a wrong one',
      answer: '401 with WWW-Authenticate: Bearer; the topology unchanged',
      pair: pairOf(4000),
      run: () =>
        unchangedAfter(async (version) => {
          for (const authorization of ['', 'Bearer not-the-admin-token', `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`]) {
            const answer = await put(edited, version, authorization);
            refused(answer, 401);
            expect(answer.headers['www-authenticate']).toBe('Bearer');
          }
          refused(await send('POST', `/topology/rollback/${version}`), 401);
        }),
    });
    expect(result.violations).toEqual([]);
  });

  it('a 10 MB document is answered 413 and the connection closed, so the client goes on on a fresh one', async () => {
    const tenMegabytes = `domains:\n${'  - {name: d}\n'.repeat(800_000)}`;
    const result = await runAbuseCase({
      name: '10 MB topology',
      abuse: 'a 10 MB YAML document to POST /topology/validate and to PUT /topology (with the token)',
      answer: '413 (over 1 MiB) with Connection: close; the topology unchanged',
      pair: pairOf(5000),
      run: () =>
        unchangedAfter(async (version) => {
          for (const answer of [await validate(tenMegabytes), await put(tenMegabytes, version)]) {
            refused(answer, 413, undefined, 2 * REFUSAL_MS);
            expect(answer.headers.connection).toBe('close');
          }
          // The next request of the same client is answered at once (it would wait for the server to drop a
          // connection that still expects the rest of the body).
          expect((await send('GET', '/health')).ms).toBeLessThan(REFUSAL_MS);
        }),
    });
    expect(result.violations).toEqual([]);
  });

  it('alias bombs are answered 422 naming the alias limit', async () => {
    const result = await runAbuseCase({
      name: 'alias bomb',
      abuse: `"billion laughs" (72 aliases, 9^9 strings expanded) and a bomb of ${MAX_ALIASES} aliases (4^8 × 10 strings), to validate and PUT`,
      answer: `422 with one problem: over ${MAX_ALIASES} aliases, or aliases that expand too far; the topology unchanged`,
      pair: pairOf(6000),
      run: () =>
        unchangedAfter(async (version) => {
          for (const answer of [await validate(billionLaughs()), await put(billionLaughs(), version)]) {
            refused(answer, 422, `the document uses 72 aliases; at most ${MAX_ALIASES} are allowed`);
          }
          for (const answer of [await validate(quietBomb()), await put(quietBomb(), version)])
            refused(answer, 422, /aliases of the document expand too far/);
        }),
    });
    expect(result.violations).toEqual([]);
  });

  it('100,000 nested lists are answered 422 naming the depth limit, again and again', async () => {
    const result = await runAbuseCase({
      name: 'deeply nested topology',
      abuse: '100,000 nested lists (200 KB) to POST /topology/validate twice and to PUT /topology',
      answer: `422 with one problem: nested over ${MAX_TOPOLOGY_DEPTH} levels; the topology unchanged`,
      pair: pairOf(7000),
      run: () =>
        unchangedAfter(async (version) => {
          for (let attempt = 0; attempt < 2; attempt++) {
            const body = refused(await validate(nested), 422);
            expect(body.currentVersion).toBe(version);
            expect(body.problems).toEqual([
              { path: '', severity: 'error', line: 1, message: expect.stringContaining(`nested more than ${MAX_TOPOLOGY_DEPTH} levels`) },
            ]);
          }
          refused(await put(nested, version), 422, `nested more than ${MAX_TOPOLOGY_DEPTH} levels`);
        }),
    });
    expect(result.violations).toEqual([]);
  });

  it('60,000 keys are answered 422 naming the token limit', async () => {
    const result = await runAbuseCase({
      name: 'topology with 60,000 keys',
      abuse: '60,000 top-level keys (590 KB) to POST /topology/validate and to PUT /topology',
      answer: `422 with one problem: over ${MAX_TOPOLOGY_TOKENS} YAML tokens; the topology unchanged`,
      pair: pairOf(8000),
      run: () =>
        unchangedAfter(async (version) => {
          for (const answer of [await validate(keys(60_000)), await put(keys(60_000), version)]) {
            expect(refused(answer, 422).problems).toEqual([
              expect.objectContaining({ message: expect.stringContaining(`more than ${MAX_TOPOLOGY_TOKENS} YAML tokens`) }),
            ]);
          }
        }),
    });
    expect(result.violations).toEqual([]);
  });

  it('invalid topologies are refused with 422 and every problem at its path', async () => {
    const invalid: Array<[string, RegExp, string]> = [
      [
        yaml.replace('domainLinks: []', 'domainLinks:\n  - { n1: domain-01, n2: domain-77 }'),
        /unknown domain "domain-77"/,
        'domainLinks[0].n2',
      ],
      [yaml.replace('domainLinks: []', 'domainLinks: []\nrouting: fastest'), /unknown key/, 'routing'],
      [
        `${yaml.trimEnd()}\n    userDistributions:\n      - { domainName: domain-01, from: 0, to: 10 }\n      - { domainName: domain-01, from: 5, to: 20 }\n`,
        /range 5–20 overlaps userDistributions\[0\]/,
        'clientApps[0].userDistributions[1]',
      ],
      ['domains: [ {name: d1\n', /must be sufficiently indented/, ''],
    ];
    const result = await runAbuseCase({
      name: 'invalid topology',
      abuse: 'PUT /topology (with the token) of a link to an unknown domain, an unknown key, overlapping user ranges, broken YAML',
      answer: '422 with every problem (path, line, message); the topology unchanged',
      pair: pairOf(9000),
      run: () =>
        unchangedAfter(async (version) => {
          for (const [document, reason, path] of invalid) {
            const body = refused(await put(document, version), 422);
            expect(body.message).toMatch(/^the topology is invalid \(\d+ errors?\)$/);
            expect(body.problems).toContainEqual({
              path,
              severity: 'error',
              message: expect.stringMatching(reason),
              line: expect.any(Number),
            });
          }
        }),
    });
    expect(result.violations).toEqual([]);
  });

  it('a flood of connections that send nothing: capped, closed at the request deadline; a watch stream stays', async () => {
    const result = await runAbuseCase({
      name: 'meta-server connection flood',
      abuse: '1,500 TCP connections to the meta-server that send nothing, while a process follows GET /topology/watch',
      answer:
        `at most LINKER_META_MAX_CONNECTIONS (${META_MAX_CONNECTIONS}): more are closed when accepted; 408 at LINKER_META_REQUEST_TIMEOUT_MS ` +
        `(${META_REQUEST_TIMEOUT_MS / 1000} s); the watch stream stays open; open files back to where they were`,
      pair: pairOf(10_000),
      run: () =>
        unchangedAfter(async () => {
          const port = Number(new URL(domain.metaServerUrl).port);
          const watch = await rawConnection(port);
          raw.push(watch);
          watch.socket.write('GET /topology/watch HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
          await waitFor('the watch stream to answer', () => statusLine(watch) === 'HTTP/1.1 200 OK');
          const pid = domain.process.child.pid as number;
          const filesBefore = openFilesOf(pid);
          const started = Date.now();
          const silent = await rawConnections(port, 1_500, { localAddress: '127.0.0.9' });
          raw.push(...silent);
          await waitFor('every silent connection closed by the meta-server', () => silent.every((c) => c.isClosed()), {
            timeoutMs: 3 * META_REQUEST_TIMEOUT_MS,
          });
          expect(Date.now() - started).toBeLessThan(2 * META_REQUEST_TIMEOUT_MS);
          const answers = countByStatus(silent);
          expect(Object.keys(answers).sort()).toEqual(['', 'HTTP/1.1 408 Request Timeout']);
          expect(answers['']).toBeGreaterThanOrEqual(silent.length - META_MAX_CONNECTIONS);
          await waitFor(`the process's open files back to about ${filesBefore}`, () => openFilesOf(pid) <= filesBefore + 10, {
            timeoutMs: 10_000,
          });
          expect(watch.isClosed()).toBe(false);
        }),
    });
    expect(result.violations).toEqual([]);
  });
});
