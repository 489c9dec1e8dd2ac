export * from './mailbox.port';
