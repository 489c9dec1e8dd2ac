import { ANALYTICS_COUNTERS, type AnalyticsCounter, type AnalyticsReport } from '@linker/contracts';
import { apiCall, type ApiResponse } from '../api-client';
import { redisDump } from '../redis-dump';
import { waitFor } from '../wait-for';
import { fetchFrames } from './mailbox-behaviour';
import { SuiteContext, type StartDomain } from './suite-context';
import { ANZ, SUITE_ENV } from './suite-topology';

const HOUR_MS = 3_600_000;
/** The connector settings of the analytics suite: ANZ's `/analytics`, and processors that report every second. */
const ANALYTICS_ENV = { ...SUITE_ENV, LINKER_ANALYTICS_APP: ANZ.appName, LINKER_ANALYTICS_REPORT_MS: '1000' };

export interface AnalyticsSuiteOptions {
  /** The domain's Redis URL (real mode): the suite reads every analytics key and looks for user ids. */
  redisUrl?: () => string;
  /** How far a unique count may be off (0 in embedded mode: exact sets). */
  uniqueError: number;
}

/** The seed's request sequence, the router's own counters and the meta-server's sums (docs/protocol.md, Analytics). */
export function analyticsSuite(name: string, start: StartDomain, options: AnalyticsSuiteOptions): void {
  describe(name, () => {
    jest.setTimeout(60_000);
    const ctx = new SuiteContext();
    beforeAll(() => ctx.start(start, ANALYTICS_ENV), 120_000);
    afterEach(() => ctx.closeAll());
    afterAll(() => ctx.stop(), 120_000);
    const names = new Set<string>();

    seedSequence(ctx, options, names);
    metaServerSum(ctx);
    seedRefusals(ctx);
    routerCounters(ctx, names);
    if (options.redisUrl !== undefined) {
      const redisUrl = options.redisUrl;
      it('holds no user id in Redis: every analytics key and value read, none of the ids found', async () => {
        const dump = await redisDump(redisUrl(), `linker:${ctx.domain.domain}:a:*`);
        expect(dump.keys).toBeGreaterThan(4);
        expect(dump.text).toMatch(/clicks[^]*HYLL/); // the hashes' fields and the HyperLogLogs' values were read
        const found = [...names].filter((id) => dump.text.includes(id));
        expect(found).toEqual([]);
      });
    }
  });
}

/** `/analytics?…` on connector `i` (the seed's API), with ANZ's key unless `key` is given. */
function seed(ctx: SuiteContext, method: string, query: string, connector = 0, key: string | null = ctx.apiKey): Promise<ApiResponse> {
  return apiCall(ctx.url(connector), method, `/analytics?${query}`, { key: key ?? undefined });
}

function seedSequence(ctx: SuiteContext, options: AnalyticsSuiteOptions, names: Set<string>): void {
  it("counts the seed's events of 40 users in two hours as an exact count would (unique users within the HyperLogLog error)", async () => {
    const hours = [Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS + 1_234, Date.now()];
    const users = Array.from({ length: 40 }, (_, i) => `${ctx.text('seed-user').replace(/ /g, '-')}-${i}`);
    users.forEach((user) => names.add(user));
    // Users 0–24 in the first hour, 15–39 in the second; user i sends (i % 3) + 1 events, clicks and impressions in turn.
    const plan = [users.slice(0, 25), users.slice(15)].map((inHour, h) =>
      inHour.flatMap((user, i) => Array.from({ length: (i % 3) + 1 }, (_, k) => ({ at: hours[h] + k, user, click: (i + k) % 2 === 0 }))),
    );
    for (const [h, events] of plan.entries()) {
      for (const [n, { at, user, click }] of events.entries()) {
        const answer = await seed(ctx, 'POST', `timestamp=${at}&user=${encodeURIComponent(user)}&${click ? 'click' : 'impression'}`, n + h);
        expect([answer.status, answer.body]).toEqual([202, '']);
      }
    }
    for (const [h, events] of plan.entries()) {
      const clicks = events.filter((e) => e.click).length;
      const expected = `clicks,${clicks}\nimpressions,${events.length - clicks}\n`;
      const answer = await waitFor(`the counts of hour ${h}`, async () => {
        const got = await seed(ctx, 'GET', `timestamp=${hours[h] + 10}`, h + 1);
        return got.status === 200 && String(got.body).endsWith(expected) && got;
      });
      expect(answer.headers['content-type']).toMatch(/^text\/plain/);
      const unique = Number(/^unique_users,(\d+)\n/.exec(answer.body as string)?.[1]);
      expect(Math.abs(unique - 25)).toBeLessThanOrEqual(Math.ceil(25 * options.uniqueError));
    }
  });
}

function metaServerSum(ctx: SuiteContext): void {
  it("sums the meta-server's view of the app over the domains that report it (one here)", async () => {
    const domain = await routerReport(ctx, 0);
    const clicks = total(domain, 'clicks');
    const summed = await waitFor('the meta-server to have the clicks', async () => {
      const answer = await apiCall(ctx.domain.metaServerUrl, 'GET', `/analytics/${ANZ.appName}?from=${Date.now() - 3 * HOUR_MS}`);
      return answer.status === 200 && total(answer.body as AnalyticsReport, 'clicks') === clicks && (answer.body as AnalyticsReport);
    });
    expect(summed.domains).toEqual([ctx.domain.domain]);
    expect((await apiCall(ctx.domain.metaServerUrl, 'GET', '/analytics/NOAPP')).status).toBe(404);
  });
}

function seedRefusals(ctx: SuiteContext): void {
  it.each([
    ['no timestamp', 'POST', 'user=a&click'],
    ['a timestamp that is not epoch ms', 'POST', 'timestamp=12.5&user=a&click'],
    ['a negative timestamp', 'POST', 'timestamp=-5&user=a&click'],
    ['a timestamp more than a slice ahead', 'POST', `timestamp=${Date.now() + 2 * HOUR_MS}&user=a&click`],
    ['no user', 'POST', `timestamp=${Date.now()}&click`],
    ['neither click nor impression', 'POST', `timestamp=${Date.now()}&user=a`],
    ['both click and impression', 'POST', `timestamp=${Date.now()}&user=a&click&impression`],
    ['a GET without a timestamp', 'GET', ''],
    ['a GET with a timestamp that is a word', 'GET', 'timestamp=yesterday'],
  ])('answers 400 INVALID_FIELD to %s', async (_case, method, query) => {
    const answer = await seed(ctx, method, query);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ code: 'INVALID_FIELD', message: expect.any(String) });
  });

  it('needs the app key (401), takes GET and POST only (405), and the server API checks its range (400)', async () => {
    expect((await seed(ctx, 'GET', `timestamp=${Date.now()}`, 0, null)).body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await seed(ctx, 'GET', `timestamp=${Date.now()}`, 0, 'not-the-key-of-anz-0123456789abcdef')).status).toBe(401);
    const put = await seed(ctx, 'PUT', `timestamp=${Date.now()}`);
    expect([put.status, put.headers.allow]).toEqual([405, 'GET, POST']);
    const range = await apiCall(ctx.url(0), 'GET', '/api/v1/analytics?from=20&to=10', { key: ctx.apiKey });
    expect([range.status, range.body.code]).toEqual([400, 'INVALID_FIELD']);
  });
}

function routerCounters(ctx: SuiteContext, names: Set<string>): void {
  it('counts a scripted exchange: messages by lane, deliveries, stored, fetched, connected and sending users', async () => {
    const since = Date.now() - 1_000;
    const before = await routerReport(ctx, since);
    const [aId, bId, cId] = [ctx.users.anz(), ctx.users.anz(), ctx.users.anz()];
    [aId, bId, cId].forEach((id) => names.add(id));
    const a = await ctx.login(aId, { connector: 0 });
    const b = await ctx.login(bId, { connector: 1 });
    for (let i = 0; i < 3; i++) await ctx.deliver(a, b, bId);
    for (let i = 0; i < 2; i++) await ctx.deliver(a, b, bId, { feature: 'FAST' });
    for (let i = 0; i < 2; i++) a.send({ type: 'MESSAGE', data: { to: cId, content: ctx.text('for c, offline') } });
    const expected = { reliable_message: 5, fast_message: 2, stored: 2 };
    await waitFor('the stores counted', async () => delta(before, await routerReport(ctx, since)).stored === 2);
    const c = await ctx.login(cId, { connector: 1 });
    expect((await fetchFrames(c, 10)).messages).toHaveLength(2);
    const wanted = { ...expected, fetched: 2, deliveries: 7, connected_users: 3, sending_users: 1 };
    const after = await waitFor('the exchange counted', async () => {
      const got = delta(before, await routerReport(ctx, since));
      return Object.entries(wanted).every(([k, n]) => got[k] === n) && got;
    });
    expect(after).toMatchObject({ ...wanted, reliable_group_message: 0, fast_group_message: 0, dead_lettered: 0, publications: 0 });
  });
}

/** `GET /api/v1/analytics?from=<since>` on connector `connector`, with ANZ's key. */
async function routerReport(ctx: SuiteContext, since: number, connector = 1): Promise<AnalyticsReport> {
  const answer = await apiCall(ctx.url(connector), 'GET', `/api/v1/analytics?from=${since}`, { key: ctx.apiKey });
  if (answer.status !== 200) throw new Error(`analytics refused: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as AnalyticsReport;
}

function total(report: AnalyticsReport, name: AnalyticsCounter | 'connected_users' | 'sending_users'): number {
  return report.slices.reduce(
    (sum, s) => sum + ((s.counters as Record<string, number>)[name] ?? (s.uniques as Record<string, number>)[name] ?? 0),
    0,
  );
}

/** Every counter and the connected and sending users, `after` minus `before` (summed over the slices). */
function delta(before: AnalyticsReport, after: AnalyticsReport): Record<string, number> {
  const names = [...ANALYTICS_COUNTERS, 'connected_users', 'sending_users'] as const;
  return Object.fromEntries(names.map((name) => [name, total(after, name) - total(before, name)]));
}
