export * from './presence.port';
export * from './memory/memory-presence';
export * from './redis/redis-presence';
export * from './presence.settings';
