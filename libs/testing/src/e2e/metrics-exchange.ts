import type { Topology } from '@linker/topology';
import { uniqueName } from '../unique-name';
import { waitFor } from '../wait-for';
import { RawSocket } from './raw-socket';

/** One sample of a Prometheus text: its name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every sample of a Prometheus text exposition (comments skipped). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE_LINE.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The samples of every URL (each app's `GET /metrics`), together. */
async function scrape(urls: readonly string[]): Promise<Sample[]> {
  const texts = await Promise.all(
    urls.map(async (url) => {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
      return response.text();
    }),
  );
  return texts.flatMap(parseExposition);
}

/**
 * The samples once no client socket is open on any connector (a readiness check's socket may still be closing): the
 * baseline of an exchange.
 */
async function quietScrape(urls: readonly string[]): Promise<Sample[]> {
  return waitFor('no client socket open on any connector', async () => {
    const samples = await scrape(urls);
    return total(samples, 'linker_connector_connections') === 0 ? samples : false;
  });
}

/** The sum of `name` over the samples whose labels include `labels`. */
function total(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const sample of samples) {
    if (sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) sum += sample.value;
  }
  return sum;
}

/** The app of the exchange: logins without a token. */
const METRICS_APP = { appName: 'MET', appId: 'app-id-met' } as const;

/** One domain with the exchange's app (auth off), under a name unique to this run. */
export function metricsTopology(): { topology: Topology; domain: string } {
  const domain = uniqueName('metrics');
  const topology: Topology = {
    domains: [{ name: domain, urls: ['ws://127.0.0.1:8089'] }],
    domainLinks: [],
    clientApps: [{ appName: METRICS_APP.appName, appId: METRICS_APP.appId, masterUserId: 'MET-1', authEnabled: false }],
  };
  return { topology, domain };
}

/**
 * The connector settings of the exchange: a small per-socket rate limit (5/s, a burst of 10), so that a burst of 20
 * PINGs meets it at once, far below the abuse threshold.
 */
export const METRICS_ENV = { LINKER_RATE_LIMIT: '5', LINKER_RATE_BURST: '10' } as const;

/** Messages the exchange sends. */
const MESSAGES = 5;
const BURST = 20;

/** What the exchange did that the metrics must show: counts seen by the clients themselves. */
interface Exchange {
  messages: number;
  pings: number;
  pongs: number;
  rateLimited: number;
}

/**
 * Two users of `METRICS_APP` log in on `clientUrl`, one sends `MESSAGES` messages to the other (all received), one
 * frame that is not JSON (MALFORMED_JSON), and a burst of PINGs over its socket's rate limit (`METRICS_ENV`); then
 * both close. Returns what the clients saw.
 */
async function runExchange(clientUrl: string): Promise<Exchange> {
  const [from, to] = [`MET-${100 + Math.floor(Math.random() * 1e6)}`, `MET-${2_000_000 + Math.floor(Math.random() * 1e6)}`];
  const sender = await RawSocket.open(clientUrl, from);
  const recipient = await RawSocket.open(clientUrl, to);
  try {
    for (const [socket, user] of [
      [sender, from],
      [recipient, to],
    ] as const) {
      const reply = await socket.auth(METRICS_APP.appId, user);
      if (reply.data.isAuthenticated !== true) throw new Error(`login of ${user} refused: ${JSON.stringify(reply)}`);
    }
    for (let i = 0; i < MESSAGES; i++) sender.send({ type: 'MESSAGE', data: { to, content: `metrics ${i}` } });
    await recipient.count('MESSAGE', MESSAGES);
    sender.send('not json');
    await sender.error('MALFORMED_JSON');
    for (let i = 0; i < BURST; i++) sender.send({ type: 'PING', data: {}, reference: `burst-${i}` });
    const answered = (): number => sender.all('PONG').length + sender.all('INVALID_MESSAGE', (f) => f.data.code === 'RATE_LIMITED').length;
    await waitFor(`an answer to each of the ${BURST} PINGs`, () => answered() === BURST, { timeoutMs: 10_000 });
    const rateLimited = sender.all('INVALID_MESSAGE', (f) => f.data.code === 'RATE_LIMITED').length;
    return { messages: MESSAGES, pings: BURST, pongs: sender.all('PONG').length, rateLimited };
  } finally {
    await sender.close();
    await recipient.close();
  }
}

/** The counters the exchange moves, as deltas between two scrapes, and what they must be. */
function exchangeDeltas(before: readonly Sample[], after: readonly Sample[]): Record<string, number> {
  const delta = (name: string, labels: Record<string, string> = {}): number => total(after, name, labels) - total(before, name, labels);
  return {
    authIn: delta('linker_connector_frames_in_total', { type: 'AUTH_CLIENT' }),
    messagesIn: delta('linker_connector_frames_in_total', { type: 'MESSAGE' }),
    pingsIn: delta('linker_connector_frames_in_total', { type: 'PING' }),
    malformedIn: delta('linker_connector_frames_in_total', { type: 'malformed' }),
    messagesOut: delta('linker_connector_frames_out_total', { type: 'MESSAGE' }),
    authRepliesOut: delta('linker_connector_frames_out_total', { type: 'AUTH_CLIENT_REPLY' }),
    pongsOut: delta('linker_connector_frames_out_total', { type: 'PONG' }),
    errorsOut: delta('linker_connector_frames_out_total', { type: 'INVALID_MESSAGE' }),
    malformedErrors: delta('linker_connector_errors_total', { code: 'MALFORMED_JSON' }),
    rateLimitedErrors: delta('linker_connector_errors_total', { code: 'RATE_LIMITED' }),
    rateLimited: delta('linker_connector_rate_limited_total', { scope: 'socket' }),
    clientCloses: delta('linker_connector_closes_total', { by: 'client' }),
    serverCloses: delta('linker_connector_closes_total', { by: 'server' }),
    logins: delta('linker_connector_auth_seconds_count', { outcome: 'accepted' }),
    delivered: delta('linker_delivery_latency_seconds_count', { lane: 'RELIABLE' }),
  };
}

/** What `exchangeDeltas` must come to after `runExchange` answered `exchange`. */
function expectedDeltas(exchange: Exchange): Record<string, number> {
  return {
    authIn: 2,
    messagesIn: exchange.messages,
    pingsIn: exchange.pings,
    malformedIn: 1,
    messagesOut: exchange.messages,
    authRepliesOut: 2,
    pongsOut: exchange.pongs,
    errorsOut: 1 + exchange.rateLimited,
    malformedErrors: 1,
    rateLimitedErrors: exchange.rateLimited,
    rateLimited: exchange.rateLimited,
    clientCloses: 2,
    serverCloses: 0,
    logins: 2,
    delivered: exchange.messages,
  };
}

/**
 * Scrape `urls` until the exchange's deltas come to what it must (counting happens a little after a client saw its
 * frame: a processor counts a batch once written); the last deltas when they never do, for the test's assertion.
 */
async function settledDeltas(
  urls: readonly string[],
  before: readonly Sample[],
  expected: Record<string, number>,
): Promise<Record<string, number>> {
  let last: Record<string, number> = {};
  await waitFor(
    'the counters to match the exchange',
    async () => {
      last = exchangeDeltas(before, await scrape(urls));
      return Object.entries(expected).every(([key, value]) => last[key] === value);
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  ).catch(() => undefined);
  return last;
}

/** What the meta-server exchange moved: requests by route, a refused write, an open watch stream. */
interface MetaExchange {
  /** Deltas of `GET /topology/history` answered 200, and of `PUT /topology` answered 412. */
  historyRequests: number;
  staleWrites: number;
  staleEdits: number;
  /** The watch subscribers gauge while one more stream was open, less before; and after it ended, less before. */
  watchersWhileOpen: number;
  watchersAfter: number;
}

/**
 * Against the meta-server at `metaServerUrl`: one `GET /topology/history`, one `PUT /topology` whose `If-Match` is
 * stale (412, counted as a `stale` edit), and one `GET /topology/watch` stream opened then closed; the deltas of its
 * metrics (scraped from `urls`).
 */
async function runMetaExchange(metaServerUrl: string, adminToken: string, urls: readonly string[]): Promise<MetaExchange> {
  const gauge = async (): Promise<number> => total(await scrape(urls), 'linker_meta_watch_subscribers');
  const before = await scrape(urls);
  const watchersBefore = total(before, 'linker_meta_watch_subscribers');
  const history = await fetch(`${metaServerUrl}/topology/history`);
  const put = await fetch(`${metaServerUrl}/topology`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'if-match': '"0000000000000000"', 'content-type': 'application/yaml' },
    body: 'domains: []\n',
  });
  if (history.status !== 200 || put.status !== 412) throw new Error(`history ${history.status}, stale PUT ${put.status}`);
  const stream = new AbortController();
  const watch = await fetch(`${metaServerUrl}/topology/watch`, { signal: stream.signal });
  const whileOpen = await waitFor('the watch stream counted', async () => {
    const value = await gauge();
    return value > watchersBefore ? value : false;
  });
  stream.abort();
  await watch.body?.cancel().catch(() => undefined);
  const after = await waitFor('the watch stream uncounted', async () => {
    const value = await gauge();
    return value <= watchersBefore ? { value } : false;
  });
  const samples = await scrape(urls);
  const delta = (name: string, labels: Record<string, string>): number => total(samples, name, labels) - total(before, name, labels);
  return {
    historyRequests: delta('linker_meta_requests_total', { method: 'GET', route: '/topology/history', status: '200' }),
    staleWrites: delta('linker_meta_requests_total', { method: 'PUT', route: '/topology', status: '412' }),
    staleEdits: delta('linker_meta_topology_edits_total', { operation: 'edit', outcome: 'stale' }),
    watchersWhileOpen: whileOpen - watchersBefore,
    watchersAfter: after.value - watchersBefore,
  };
}

/** What `exchangeTests` needs of a running domain, once its `beforeAll` has started it. */
export interface ScrapedDomain {
  /** `ws://…/ws` of the connector the clients use. */
  clientUrl: string;
  metaServerUrl: string;
  /** Every `GET /metrics` of the domain (their sums are compared). */
  metricsUrls: string[];
}

/** The admin token `exchangeTests` writes with (a stale write: refused before anything is saved). */
export const METRICS_ADMIN_TOKEN = 'metrics-e2e-admin-token-0123456789';

/**
 * The two tests of every mode: the scripted exchange and the meta-server's requests, each asserting the exact deltas
 * of the domain's metrics. `domain()` is read when the tests run.
 */
export function exchangeTests(domain: () => ScrapedDomain): void {
  it('counts the frames, errors, rate-limit refusals, closes, logins and deliveries of the exchange', async () => {
    const { clientUrl, metricsUrls } = domain();
    const before = await quietScrape(metricsUrls);
    const exchange = await runExchange(clientUrl);
    expect(exchange.rateLimited).toBeGreaterThan(0);
    const expected = expectedDeltas(exchange);
    expect(await settledDeltas(metricsUrls, before, expected)).toEqual(expected);
  });

  it("counts the meta-server's requests, refused writes and watch streams", async () => {
    const { metaServerUrl, metricsUrls } = domain();
    expect(await runMetaExchange(metaServerUrl, METRICS_ADMIN_TOKEN, metricsUrls)).toEqual({
      historyRequests: 1,
      staleWrites: 1,
      staleEdits: 1,
      watchersWhileOpen: 1,
      watchersAfter: 0,
    });
  });
}
