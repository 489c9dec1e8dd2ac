export * from './presence.port';
export * from './memory/memory-presence';
export * from './redis/redis-presence';
export * from './presence.settings';
export * from './redis-security.settings';
export * from './channel-history.port';
export * from './memory/memory-channel-history';
export * from './redis/redis-channel-history';
