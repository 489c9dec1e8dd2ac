export * from './presence.port';
