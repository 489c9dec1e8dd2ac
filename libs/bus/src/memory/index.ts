export type { BrokerPersistence, PersistedGroup, PersistedPartition, PersistedTopic } from './broker-persistence';
export { MemoryBroker, type DurableMemoryBrokerOptions, type MemoryBrokerOptions } from './memory-broker';
export { MemoryBus, type MemorySubscription } from './memory-bus';
