import { startRealCompatDomain } from '@linker/testing/e2e/compat-domains';
import { pushCompatBehaviour } from '@linker/testing/e2e/push-compat-behaviour';

// docs/protocol.md, Compatible HTTP endpoints: the seeds' README commands against a real-mode domain
// (`npm run build` first, and the real services): two connectors, so subscribers and publisher sit on different ones.
pushCompatBehaviour('Push- and realtimer-compatible endpoints, real mode', startRealCompatDomain);
