export * from './types.js';
export * from './tensor.js';
export * from './print.js';
export * from './validate.js';
export * from './checksum.js';
