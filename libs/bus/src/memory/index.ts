export { MemoryBroker, type MemoryBrokerOptions } from './memory-broker';
export { MemoryBus, type MemorySubscription } from './memory-bus';
