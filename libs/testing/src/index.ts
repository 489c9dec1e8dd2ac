export * from './services';
export * from './unique-name';
export * from './wait-for';
export * from './processes';
export * from './domains/domain-under-test';
