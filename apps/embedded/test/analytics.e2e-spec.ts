import { apiCall, startEmbeddedDomain, uniqueName, waitFor, type EmbeddedDomain } from '@linker/testing';
import { analyticsSuite } from '@linker/testing/e2e/analytics-behaviour';
import { suiteDomains, suiteTopology } from '@linker/testing/e2e/suite-topology';

// docs/protocol.md, Analytics, against the built embedded entry (`npm run build` first): exact sets, so the unique
// users are exact too.
analyticsSuite('analytics, embedded mode', startEmbeddedDomain, { uniqueError: 0 });

// The seed's clients send no key: with LINKER_ANALYTICS_OPEN=true they work as they are, and the start-up says so.
describe('analytics, embedded mode, LINKER_ANALYTICS_OPEN=true', () => {
  jest.setTimeout(60_000);
  let domain: EmbeddedDomain;

  beforeAll(async () => {
    const domains = suiteDomains();
    const topology = suiteTopology(domains, 'http://127.0.0.1:1/auth');
    domain = await startEmbeddedDomain({
      topology,
      domain: domains.domain,
      env: { LINKER_ANALYTICS_APP: 'ANZ', LINKER_ANALYTICS_OPEN: 'true' },
    });
  }, 120_000);
  afterAll(() => domain?.close(), 60_000);

  it("takes the seed's requests without a key, and warns about it at start-up", async () => {
    const user = uniqueName('open-user');
    const now = Date.now();
    const url = domain.connectorUrls[0];
    expect((await apiCall(url, 'POST', `/analytics?timestamp=${now}&user=${user}&impression`)).status).toBe(202);
    const answer = await apiCall(url, 'GET', `/analytics?timestamp=${now}`);
    expect([answer.status, answer.body]).toEqual([200, 'unique_users,1\nclicks,0\nimpressions,1\n']);
    await waitFor('the warning', () => domain.process.output().includes('LINKER_ANALYTICS_OPEN=true: anyone who reaches'));
  });
});
