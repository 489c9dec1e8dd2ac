import { startRealDomain } from '@linker/testing';
import { slowAuthSuite } from '@linker/testing/e2e/slow-auth-behaviour';

// A slow `authUrl` webhook against a real-mode domain (`npm run build` first, and the real services): one processor
// on Kafka, whose RELIABLE intake partitions must not wait for logins held by the webhook.
slowAuthSuite('real mode, slow auth webhook', (options) => startRealDomain(options, { processors: 1, connectors: 1 }));
