export * from './clock';
export * from './errors';
export * from './ids';
export * from './id-window';
