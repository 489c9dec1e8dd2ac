export * from './run-service';
export * from './resources';
export * from './http-listener';
