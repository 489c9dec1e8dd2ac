export * from './bus.port';
export * from './bus.settings';
export * from './fast-partitions';
export * from './lanes';
export * from './memory';
export * from './embedded';
export * from './kafka';
export * from './nats';
