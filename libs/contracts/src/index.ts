export * from './channels';
export * from './client-frame';
export * from './codes';
export * from './envelope';
export * from './frames';
export * from './internal';
export * from './ui-api';
export { isContentOnly, type RecordErrorCode } from './record-codec';
export * from './server-api';
