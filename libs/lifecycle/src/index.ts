export * from './run-service';
export * from './resources';
export * from './http-listener';
export * from './startup.settings';
export * from './until-reachable';
export * from './service';
export * from './health-probe';
export * from './bearer-token';
