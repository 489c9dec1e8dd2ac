export * from './routing-table';
export * from './hop-limit';
export * from './destination';
export * from './group-split';
