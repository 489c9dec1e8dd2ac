import { startRealDomain } from '@linker/testing';
import { domainBehaviourSuite } from '@linker/testing/e2e/domain-behaviour.suite';

// docs/protocol.md over real sockets against a real-mode domain (`npm run build` first, and the real services:
// `npm test` starts them, or `eval "$(npm run -s services:up)"`): a meta-server, two processors and two connectors
// as separate processes on Kafka, NATS, Redis and the MongoDB-wire mailbox. Clients are spread over both connectors.
domainBehaviourSuite('real mode', (options) => startRealDomain(options));
