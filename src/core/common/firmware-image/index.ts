export * from './segments.js';
export * from './uf2.js';
export * from './intel-hex.js';
