export * from './services';
export * from './unique-name';
export * from './wait-for';
export * from './processes';
export * from './domains/domain-under-test';
export * from './domains/real-domain';
export * from './domains/embedded-domain';
export * from './recording-logger';
