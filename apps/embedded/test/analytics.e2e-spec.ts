import { startEmbeddedDomain } from '@linker/testing';
import { analyticsSuite } from '@linker/testing/e2e/analytics-behaviour';

// docs/protocol.md, Analytics, against the built embedded entry (`npm run build` first): exact sets, so the unique
// users are exact too.
analyticsSuite('analytics, embedded mode', startEmbeddedDomain, { uniqueError: 0 });
