export * from './logger';
export * from './metrics';
export * from './logging.settings';
export * from './health';
