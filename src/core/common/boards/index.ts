export * from './catalog.js';
export * from './custom.js';
