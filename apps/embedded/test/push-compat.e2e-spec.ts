import { startEmbeddedCompatDomain } from '@linker/testing/e2e/compat-domains';
import { pushCompatBehaviour } from '@linker/testing/e2e/push-compat-behaviour';

// docs/protocol.md, Compatible HTTP endpoints: the seeds' README commands against the built embedded
// entry (`npm run build` first).
pushCompatBehaviour('Push- and realtimer-compatible endpoints, embedded mode', startEmbeddedCompatDomain);
