export * from './analytics-store.port';
export * from './analytics.settings';
export * from './analytics-recorder';
export * from './analytics-report';
export * from './memory/memory-analytics-store';
export * from './redis/redis-analytics-store';
