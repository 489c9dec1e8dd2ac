export * from './services';
export * from './unique-name';
export * from './wait-for';
export * from './api-client';
export * from './processes';
export * from './cli-process';
export * from './domains/domain-under-test';
export * from './domains/real-domain';
export * from './domains/real-federation';
export * from './domains/embedded-domain';
export * from './domains/unlinked-domains';
export * from './recording-logger';
export * from './link-proxy';
export * from './browser';
export * from './bounded-run';
export * from './private-services/private-service';
export * from './private-services/private-redis';
export * from './private-services/private-nats';
export * from './private-services/private-ferretdb';
export * from './private-services/private-kafka';
export * from './private-services/private-services';
export * from './faults/assignments';
export * from './faults/balancer';
export * from './faults/fault-case';
export * from './faults/abuse-case';
export * from './faults/ledger';
export * from './faults/traffic';
export * from './faults/battery';
export {
  connectorReady,
  freePort,
  launchMetaServer,
  logField,
  processorReady,
  servicesEnv,
  startMetaServer,
  stopWithin,
  STOP_TIMEOUT_MS,
} from './domains/real-processes';
export * from './sse-client';
export * from './test-pki';
export * from './jwks-server';
