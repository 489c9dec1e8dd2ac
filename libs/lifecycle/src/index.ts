export * from './run-service';
export * from './resources';
export * from './http-listener';
export * from './startup.settings';
export * from './until-reachable';
export * from './service';
export * from './bearer-token';
export * from './tls';
