import { startEmbeddedDomain } from '@linker/testing';
import { domainBehaviourSuite } from '@linker/testing/e2e/domain-behaviour.suite';

// docs/protocol.md over real sockets against the built embedded entry (`npm run build` first): one process runs
// the whole domain (meta-server, connector, processor, in-process lanes, embedded mailbox).
domainBehaviourSuite('embedded mode', startEmbeddedDomain);
