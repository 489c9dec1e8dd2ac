export { openDurableBroker, type DurableBrokerOptions } from './durable-broker';
export { LevelBrokerStore, type LevelBrokerStoreOptions } from './level-broker-store';
