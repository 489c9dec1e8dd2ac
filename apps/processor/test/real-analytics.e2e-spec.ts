import { startRealDomain, testServices } from '@linker/testing';
import { analyticsSuite } from '@linker/testing/e2e/analytics-behaviour';

// docs/protocol.md, Analytics, against a real-mode domain (`npm run build` first, and the real services): two
// connectors and two processors counting into one Redis (HyperLogLogs for the unique users), whose keys the suite
// reads at the end to look for user ids.
analyticsSuite('analytics, real mode', (options) => startRealDomain(options), {
  redisUrl: () => testServices().redisUrl,
  uniqueError: 0.02,
});
