export * from './run-service';
export * from './resources';
