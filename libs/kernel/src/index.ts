export * from './clock';
export * from './errors';
export * from './ids';
export * from './id-window';
export * from './lists-by-key';
