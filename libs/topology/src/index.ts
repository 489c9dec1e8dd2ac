export * from './topology';
export * from './topology-view';
