export * from './mailbox.port';
export * from './memory/memory-mailbox';
export * from './embedded/embedded-mailbox';
export * from './mongodb/mongo-mailbox';
export * from './mailbox.settings';
